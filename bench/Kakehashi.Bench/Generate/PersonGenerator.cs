using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kakehashi.Bench.Generate;

/// <summary>
/// One person and their years of care: Patient, Coverage (individual insured number), allergies,
/// chronic and acute diagnoses, outpatient visits with prescriptions and their dispensing,
/// follow-up labs, admissions with discharge summary and referral letter, and annual checkups
/// (特定健診, ages 40–74) with their report. Everything comes from the person's own random stream.
/// </summary>
public sealed class PersonGenerator
{
    /// <summary>
    /// Issuer of the card's user certificate, modelled on JPKI (an assumption: only issuer and serial
    /// are kept, as the card reader reports them).
    /// </summary>
    public const string CertificateIssuer = "C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems";

    // Japan's age pyramid, roughly (2020 census, %): few people over 95.
    private static readonly double[] AgeBucketWeights = [12, 26, 33, 14, 10.5, 4.2, 0.3];
    private static readonly (int From, int To)[] AgeBuckets = [(0, 15), (15, 40), (40, 65), (65, 75), (75, 85), (85, 95), (95, 105)];
    private static readonly double[] AcuteWeights = ClinicalCatalog.AcuteIllnesses.Select(a => a.Weight).ToArray();
    private static readonly double[] AdmissionWeights = ClinicalCatalog.AdmissionReasons.Select(a => a.Weight).ToArray();

    private readonly GeneratorOptions options;
    private readonly Registry registry;
    private readonly DateTime asOf;
    private readonly DateTime windowStart;

    public PersonGenerator(GeneratorOptions options, Registry registry)
    {
        this.options = options;
        this.registry = registry;
        asOf = options.AsOf.ToDateTime(new TimeOnly(23, 59));
        windowStart = options.AsOf.AddYears(-options.Years).ToDateTime(TimeOnly.MinValue);
    }

    /// <summary>Appends the person's resources to <paramref name="output"/>, Patient first, then in time order.</summary>
    public void Generate(long index, FhirJson json, List<GeneratedResource> output)
    {
        var person = new Person(this, index, json, output);
        person.Write();
    }

    private enum EventKind
    {
        FollowUp,
        Acute,
        Dental,
        Admission,
        Checkup,
    }

    private readonly record struct Event(DateTime At, EventKind Kind, Disease? Disease);

    private sealed record Diagnosis(Disease Disease, DateTime Onset, string ConditionId);

    /// <summary>The state of one person while their history is written.</summary>
    private sealed class Person
    {
        private readonly PersonGenerator generator;
        private readonly DeterministicRandom random;
        private readonly FhirJson json;
        private readonly List<GeneratedResource> output;
        private readonly long index;
        private readonly string id;
        private readonly string reference;
        private readonly bool female;
        private readonly DateTime birth;
        private readonly Prefecture prefecture;
        private readonly int cityIndex;
        private readonly NamePart family;
        private readonly NamePart given;
        private readonly Institution clinic;
        private readonly Institution hospital;
        private readonly Institution dental;
        private readonly Institution pharmacy;
        private readonly List<Diagnosis> chronic = [];
        private readonly Dictionary<string, double> baseline = [];
        private int counter;

        public Person(PersonGenerator generator, long index, FhirJson json, List<GeneratedResource> output)
        {
            this.generator = generator;
            this.index = index;
            this.json = json;
            this.output = output;
            var options = generator.options;
            random = DeterministicRandom.For(options.Seed, "person", index);
            id = $"{options.Prefix}-p{index}";
            reference = "Patient/" + id;
            female = random.Chance(0.512);
            var bucket = AgeBuckets[random.PickWeighted(AgeBucketWeights, AgeBucketWeights.Sum())];
            var age = random.Next(bucket.From, bucket.To);
            birth = generator.asOf.Date.AddYears(-age - 1).AddDays(random.Next(1, 366));
            prefecture = Prefectures.All[random.PickWeighted(Prefectures.PopulationWeights, Prefectures.TotalPopulation)];
            cityIndex = random.Next(prefecture.Cities.Count);
            family = random.Pick(JapaneseNames.Family);
            given = JapaneseNames.Given(random, female, birth.Year);
            var registry = generator.registry;
            clinic = random.Pick(registry.InstitutionsIn(prefecture.Code, InstitutionKind.Clinic));
            hospital = random.Pick(registry.InstitutionsIn(prefecture.Code, InstitutionKind.Hospital));
            dental = random.Pick(registry.InstitutionsIn(prefecture.Code, InstitutionKind.DentalClinic));
            pharmacy = random.Pick(registry.InstitutionsIn(prefecture.Code, InstitutionKind.Pharmacy));
        }

        private int AgeAt(DateTime at) => at.Year - birth.Year - (at.DayOfYear < birth.DayOfYear ? 1 : 0);

        private string NextId(string kind) => $"{id}-{kind}{++counter}";

        public void Write()
        {
            var ageNow = AgeAt(generator.asOf);
            DrawChronicDiseases(ageNow);
            DrawBaseline(ageNow);
            WritePatientAndCoverage(ageNow);
            if (generator.options.QualificationsOnly)
            {
                return;
            }

            WriteAllergies();
            foreach (var diagnosis in chronic)
            {
                WriteCondition(diagnosis.ConditionId, diagnosis.Disease, diagnosis.Onset, null, null, clinic);
            }

            foreach (var e in DrawEvents())
            {
                switch (e.Kind)
                {
                    case EventKind.FollowUp: FollowUp(e.At); break;
                    case EventKind.Acute: Acute(e.At, e.Disease!, clinic, "外来"); break;
                    case EventKind.Dental: Acute(e.At, e.Disease!, dental, "歯科外来"); break;
                    case EventKind.Admission: Admission(e.At, e.Disease!); break;
                    case EventKind.Checkup: Checkup(e.At); break;
                }
            }
        }

        // ---- the person ------------------------------------------------------------------------

        private void DrawChronicDiseases(int ageNow)
        {
            foreach (var (disease, fromAge, atSeventy) in ClinicalCatalog.ChronicPrevalence)
            {
                if (ageNow < fromAge)
                {
                    continue;
                }

                // Prevalence grows linearly from the onset age to its value at 70.
                var p = atSeventy * Math.Min(1.2, (ageNow - fromAge + 1) / (double)Math.Max(1, 70 - fromAge));
                if (!random.Chance(p))
                {
                    continue;
                }

                var onsetAge = random.Next(fromAge, ageNow + 1);
                var onset = birth.AddYears(onsetAge).AddDays(random.Next(365));
                if (onset > generator.asOf)
                {
                    onset = generator.asOf.AddDays(-random.Next(1, 60));
                }

                chronic.Add(new Diagnosis(disease, onset, NextId("cond")));
            }
        }

        private bool Has(Disease disease) => chronic.Exists(d => d.Disease == disease);

        private void DrawBaseline(int age)
        {
            var height = random.Normal(female ? 157 : 170, 6) - Math.Max(0, age - 60) * 0.1;
            if (age < 18)
            {
                height = Math.Min(height, 60 + age * 6.5);
            }

            var bmi = random.Normal(Has(ClinicalCatalog.Diabetes) ? 25.5 : 22.8, 3.0);
            baseline["height"] = height;
            baseline["bmi"] = Math.Clamp(bmi, 15, 40);
            baseline[ClinicalCatalog.HbA1c.Code] = Has(ClinicalCatalog.Diabetes) ? random.Normal(7.1, 0.8) : random.Normal(5.5, 0.3);
            baseline[ClinicalCatalog.Ldl.Code] = Has(ClinicalCatalog.Dyslipidemia) ? random.Normal(155, 20) : random.Normal(115, 25);
            baseline[ClinicalCatalog.Hdl.Code] = random.Normal(female ? 65 : 55, 12);
            baseline[ClinicalCatalog.Triglycerides.Code] = Has(ClinicalCatalog.Dyslipidemia) ? random.Normal(190, 50) : random.Normal(100, 35);
            baseline[ClinicalCatalog.Ast.Code] = random.Normal(22, 6);
            baseline[ClinicalCatalog.Alt.Code] = random.Normal(20, 8);
            baseline[ClinicalCatalog.Ggt.Code] = random.Normal(female ? 22 : 38, 15);
            baseline[ClinicalCatalog.UricAcid.Code] = random.Normal(female ? 4.6 : 6.0, 1.0);
            baseline[ClinicalCatalog.Egfr.Code] = Has(ClinicalCatalog.ChronicKidneyDisease) ? random.Normal(45, 8) : random.Normal(Math.Max(60, 100 - Math.Max(0, age - 30) * 0.6), 10);
            baseline[ClinicalCatalog.Potassium.Code] = random.Normal(4.2, 0.3);
            baseline[ClinicalCatalog.Systolic.Code] = Has(ClinicalCatalog.Hypertension) ? random.Normal(142, 12) : random.Normal(108 + age * 0.35, 10);
        }

        private void WritePatientAndCoverage(int age)
        {
            var (insurer, symbol, number, branch, relationship) = DrawInsurance(age);
            var memberId = $"{insurer.Number}:{symbol}:{number}:{branch}";
            // A bijection of the index: serials are unique within a dataset.
            var serial = DeterministicRandom.Mix(generator.options.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)index).ToString("X16", CultureInfo.InvariantCulture);
            var town = random.Pick(Prefectures.Towns);
            var city = prefecture.Cities[cityIndex];
            var address = $"{prefecture.Name}{city}{town}{random.Next(1, 6)}丁目{random.Next(1, 30)}-{random.Next(1, 20)}";

            output.Add(json.Resource("Patient", id, w =>
            {
                w.WriteStartArray("identifier");
                FhirJson.Identifier(w, KnownSystems.PatientIdAtInstitutionPrefix + clinic.Code, (index + 1).ToString("00000000", CultureInfo.InvariantCulture));
                FhirJson.Identifier(w, KnownSystems.InsuranceMemberId, memberId);
                w.WriteEndArray();
                w.WriteBoolean("active", true);
                FhirJson.JapaneseName(w, family, given);
                w.WriteString("gender", female ? "female" : "male");
                w.WriteString("birthDate", FhirJson.Date(birth));
                SharedResources.Address(w, address, prefecture.Name, city);
                FhirJson.Reference(w, "managingOrganization", "Organization/" + clinic.Id, clinic.Name);
            }));

            var copay = age >= 75 ? 10 : age >= 70 || age < 6 ? 20 : 30;
            var joined = insurer.Kind == InsurerKind.LateStageElderly ? birth.AddYears(75) : birth.AddYears(Math.Max(0, age - random.Next(0, Math.Max(1, Math.Min(age, 30)))));
            output.Add(json.Resource("Coverage", NextId("cov"), w =>
            {
                w.WriteStartArray("extension");
                if (symbol.Length > 0)
                {
                    StringExtension(w, KnownSystems.CoverageSymbol, symbol);
                }

                StringExtension(w, KnownSystems.CoverageNumber, number);
                StringExtension(w, KnownSystems.CoverageBranch, branch);
                w.WriteEndArray();
                w.WriteStartArray("identifier");
                FhirJson.Identifier(w, KnownSystems.InsuranceMemberId, memberId);
                // The insurer links the card to the qualification (Kakehashi stores only a hash of issuer and serial).
                w.WriteStartObject();
                w.WriteStartObject("type");
                w.WriteString("text", "利用者証明用電子証明書");
                w.WriteEndObject();
                w.WriteString("system", KnownSystems.CardCertificate);
                w.WriteString("value", serial);
                w.WriteStartObject("assigner");
                w.WriteString("display", CertificateIssuer);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("status", "active");
                FhirJson.Concept(w, "type", KnownSystems.ActCode, "PUBLICPOL", "public healthcare", SharedResources.KindLabel(insurer.Kind));
                w.WriteString("subscriberId", number);
                FhirJson.Reference(w, "beneficiary", reference);
                w.WriteString("dependent", branch);
                FhirJson.Concept(w, "relationship", "http://terminology.hl7.org/CodeSystem/subscriber-relationship", relationship);
                w.WriteStartObject("period");
                w.WriteString("start", FhirJson.Date(joined));
                w.WriteEndObject();
                w.WriteStartArray("payor");
                w.WriteStartObject();
                w.WriteString("reference", "Organization/" + insurer.Id);
                w.WriteString("display", insurer.Name);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("costToBeneficiary");
                w.WriteStartObject();
                FhirJson.Concept(w, "type", "http://terminology.hl7.org/CodeSystem/coverage-copay-type", "copaypct");
                FhirJson.Quantity(w, "valueQuantity", copay, "%");
                w.WriteEndObject();
                w.WriteEndArray();
            }));
        }

        /// <summary>
        /// The insurer by age and a rough share of each scheme; the symbol, number and 2-digit branch
        /// (00 for the insured person, 01.. for dependants and household members).
        /// </summary>
        private (Insurer Insurer, string Symbol, string Number, string Branch, string Relationship) DrawInsurance(int age)
        {
            var registry = generator.registry;
            var code = prefecture.Code;
            // Unique within a dataset: a permutation of the index modulo 10^7 / 10^8 (48271 is coprime to 10).
            var unique7 = ((index * 48271 + 1234567) % 10_000_000).ToString("0000000", CultureInfo.InvariantCulture);
            var unique8 = ((index * 48271 + 12345678) % 100_000_000 + 10_000_000) % 100_000_000;
            if (age >= 75)
            {
                var elderly = registry.InsurersIn(code, InsurerKind.LateStageElderly)[cityIndex];
                return (elderly, "", unique8.ToString("00000000", CultureInfo.InvariantCulture), "00", "self");
            }

            var x = random.NextDouble();
            var (kyokai, society, mutual, municipal) = age >= 65 ? (0.12, 0.20, 0.24, 0.97) : (0.32, 0.56, 0.64, 0.95);
            var dependant = age < 20 || random.Chance(0.2);
            var branch = dependant ? (age < 20 ? random.Next(2, 5) : 1).ToString("00", CultureInfo.InvariantCulture) : "00";
            var relationship = branch == "00" ? "self" : age < 20 ? "child" : "spouse";
            if (x < kyokai)
            {
                var insurer = registry.InsurersIn(code, InsurerKind.KyokaiKenpo)[0];
                return (insurer, random.Next(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture), unique7, branch, relationship);
            }

            if (x < society)
            {
                var insurer = random.Pick(registry.InsurersIn(code, InsurerKind.HealthInsuranceSociety));
                return (insurer, random.Next(1, 10000).ToString(CultureInfo.InvariantCulture), unique7, branch, relationship);
            }

            if (x < mutual)
            {
                var insurer = random.Pick(registry.InsurersIn(code, InsurerKind.MutualAid));
                return (insurer, prefecture.Name[..2] + random.Next(10, 100), unique7, branch, relationship);
            }

            // 国民健康保険: everyone in the household is insured in their own right; the branch still
            // tells household members apart.
            var nhi = x < municipal
                ? registry.InsurersIn(code, InsurerKind.MunicipalNationalHealthInsurance)[cityIndex]
                : registry.InsurersIn(code, InsurerKind.NationalHealthInsuranceSociety)[0];
            return (nhi, random.Next(1, 100).ToString("00", CultureInfo.InvariantCulture), unique7, branch, "self");
        }

        private void WriteAllergies()
        {
            if (random.Chance(0.08))
            {
                var text = random.Pick(ClinicalCatalog.DrugAllergies);
                WriteAllergy("medication", null, text, "high");
            }

            if (random.Chance(0.06))
            {
                var allergen = random.Pick(ClinicalCatalog.FoodAllergens);
                WriteAllergy("food", allergen, allergen.Display, "low");
            }
        }

        private void WriteAllergy(string category, Allergen? allergen, string text, string criticality)
        {
            var recorded = generator.windowStart.AddDays(random.Next((generator.asOf - generator.windowStart).Days));
            output.Add(json.Resource("AllergyIntolerance", NextId("alg"), w =>
            {
                FhirJson.Concept(w, "clinicalStatus", KnownSystems.AllergyClinical, "active");
                FhirJson.Concept(w, "verificationStatus", KnownSystems.AllergyVerification, "confirmed");
                w.WriteString("type", "allergy");
                w.WriteStartArray("category");
                w.WriteStringValue(category);
                w.WriteEndArray();
                w.WriteString("criticality", criticality);
                w.WriteStartObject("code");
                if (allergen is not null)
                {
                    w.WriteStartArray("coding");
                    FhirJson.Coding(w, KnownSystems.FoodAllergen, allergen.Code, allergen.Display);
                    w.WriteEndArray();
                }

                w.WriteString("text", text);
                w.WriteEndObject();
                FhirJson.Reference(w, "patient", reference);
                w.WriteString("recordedDate", FhirJson.Instant(recorded.AddHours(10)));
            }));
        }

        // ---- the history -----------------------------------------------------------------------

        private List<Event> DrawEvents()
        {
            var events = new List<Event>();
            var start = generator.windowStart;
            var end = generator.asOf;
            var span = (end - start).Days;

            // Chronic care: a visit every 4, 8 or 12 weeks while a prescribed chronic disease is active.
            var firstOnset = chronic.Count == 0 ? DateTime.MaxValue : chronic.Min(d => d.Onset);
            if (firstOnset < end)
            {
                var at = firstOnset < start ? start.AddDays(random.Next(28)) : firstOnset;
                while (at < end)
                {
                    events.Add(new Event(ClinicTime(at), EventKind.FollowUp, null));
                    at = at.AddDays(28 * random.Pick<int>([1, 1, 2, 3]));
                }
            }

            for (var year = 0; year < generator.options.Years; year++)
            {
                var age = AgeAt(start.AddYears(year));
                var acuteRate = age < 15 ? 2.5 : age < 65 ? 0.9 : 1.3;
                var acute = random.Poisson(acuteRate);
                for (var k = 0; k < acute; k++)
                {
                    var disease = ClinicalCatalog.AcuteIllnesses[random.PickWeighted(AcuteWeights, AcuteWeights.Sum())].Disease;
                    events.Add(new Event(ClinicTime(start.AddDays(random.Next(span))), EventKind.Acute, disease));
                }

                if (random.Chance(0.35))
                {
                    events.Add(new Event(ClinicTime(start.AddDays(random.Next(span))), EventKind.Dental, random.Pick(ClinicalCatalog.DentalIllnesses)));
                }

                var admissionRate = age < 15 ? 0.01 : age < 65 ? 0.015 : age < 75 ? 0.04 : 0.08;
                if (random.Chance(admissionRate))
                {
                    var reason = ClinicalCatalog.AdmissionReasons[random.PickWeighted(AdmissionWeights, AdmissionWeights.Sum())].Disease;
                    events.Add(new Event(start.AddYears(year).AddDays(random.Next(365)).AddHours(random.Next(8, 20)), EventKind.Admission, reason));
                }

                if (age is >= 40 and <= 74 && random.Chance(0.55))
                {
                    events.Add(new Event(start.AddYears(year).AddDays(random.Next(365)).AddHours(8).AddMinutes(30 + random.Next(90)), EventKind.Checkup, null));
                }
            }

            events.RemoveAll(e => e.At >= end || e.At < start || e.At < birth);
            events.Sort((a, b) => a.At.CompareTo(b.At));
            return events;
        }

        private DateTime ClinicTime(DateTime day) => day.Date.AddHours(9).AddMinutes(random.Next(0, 8 * 60));

        private void FollowUp(DateTime at)
        {
            var active = chronic.Where(d => d.Onset <= at).ToList();
            if (active.Count == 0)
            {
                return;
            }

            var place = active.Exists(d => d.Disease == ClinicalCatalog.Angina || d.Disease == ClinicalCatalog.ChronicKidneyDisease) ? hospital : clinic;
            var doctor = random.Pick(place.Staff);
            var encounter = WriteEncounter(at, at.AddMinutes(random.Next(5, 25)), "AMB", "外来", "再診", place, doctor, active.Select(d => d.ConditionId));
            foreach (var diagnosis in active)
            {
                foreach (var lab in diagnosis.Disease.FollowUpLabs)
                {
                    if (random.Chance(0.5))
                    {
                        WriteObservation(lab, "laboratory", at.AddMinutes(-20), encounter, place);
                    }
                }

                if (diagnosis.Disease == ClinicalCatalog.Hypertension)
                {
                    WriteObservation(ClinicalCatalog.Systolic, "vital-signs", at, encounter, place);
                    WriteObservation(ClinicalCatalog.Diastolic, "vital-signs", at, encounter, place);
                }
            }

            foreach (var drug in active.Select(d => d.Disease.Drug).OfType<Drug>().Distinct())
            {
                Prescribe(drug, at, encounter, place, doctor, 28);
            }
        }

        private void Acute(DateTime at, Disease disease, Institution place, string classText)
        {
            var doctor = random.Pick(place.Staff);
            var conditionId = NextId("cond");
            var encounter = WriteEncounter(at, at.AddMinutes(random.Next(5, 30)), "AMB", classText, "初診", place, doctor, [conditionId]);
            WriteCondition(conditionId, disease, at, at.AddDays(random.Next(5, 15)), encounter, place);
            if (disease.Drug is { } drug)
            {
                Prescribe(drug, at, encounter, place, doctor, drug.Days);
            }
        }

        private void Admission(DateTime at, Disease disease)
        {
            var doctor = random.Pick(hospital.Staff);
            var conditionId = NextId("cond");
            var days = disease == ClinicalCatalog.GastricCancer ? random.Next(10, 25) : random.Next(4, 15);
            var discharge = at.Date.AddDays(days).AddHours(10);
            var encounter = WriteEncounter(at, discharge, "IMP", "入院", "入院", hospital, doctor, [conditionId]);
            WriteCondition(conditionId, disease, at, disease.Chronic ? null : discharge.AddDays(random.Next(7, 30)), encounter, hospital);
            WriteObservation(ClinicalCatalog.Egfr, "laboratory", at.AddHours(1), encounter, hospital);
            WriteObservation(ClinicalCatalog.Potassium, "laboratory", at.AddHours(1), encounter, hospital);
            var summary = $"{family.Kanji} {given.Kanji} 様（{AgeAt(at)}歳）。{FhirJson.Date(at)}、{disease.Name}にて入院。{FhirJson.Date(discharge)} 軽快退院。";
            WriteDocument("18842-5", "Discharge summary", "退院時サマリー", summary, discharge, encounter, hospital, doctor);
            WriteDocument("57133-1", "Referral note", "診療情報提供書", $"{clinic.Name} 御侍史。{summary}今後の外来加療をお願いいたします。", discharge, encounter, hospital, doctor);
            if (disease.Drug is { } drug)
            {
                Prescribe(drug, discharge, encounter, hospital, doctor, drug.Days);
            }
        }

        private void Checkup(DateTime at)
        {
            var place = random.Chance(0.5) ? hospital : clinic;
            var doctor = random.Pick(place.Staff);
            var encounter = WriteEncounter(at, at.AddMinutes(random.Next(30, 90)), "AMB", "外来", "特定健康診査", place, doctor, []);
            var height = Math.Round(baseline["height"] + random.Normal(0, 0.3), 1);
            var bmi = Math.Round(baseline["bmi"] + random.Normal(0, 0.4), 1);
            var weight = Math.Round(bmi * height * height / 10000, 1);
            WriteObservation(ClinicalCatalog.Height, "exam", at, encounter, place, height);
            WriteObservation(ClinicalCatalog.Weight, "exam", at, encounter, place, weight);
            WriteObservation(ClinicalCatalog.Bmi, "exam", at, encounter, place, bmi);
            WriteObservation(ClinicalCatalog.Waist, "exam", at, encounter, place, Math.Round(bmi * 3.3 + (female ? 2 : 7) + random.Normal(0, 2), 1));
            WriteObservation(ClinicalCatalog.Systolic, "vital-signs", at, encounter, place);
            WriteObservation(ClinicalCatalog.Diastolic, "vital-signs", at, encounter, place);
            foreach (var lab in ClinicalCatalog.CheckupBloodTests)
            {
                WriteObservation(lab, "laboratory", at, encounter, place);
            }

            var report = at.Date.AddDays(random.Next(10, 21)).AddHours(15);
            WriteDocument("53576-5", "Personal health monitoring report Document", "健康診断結果報告書",
                $"{family.Kanji} {given.Kanji} 様 特定健康診査結果。身長 {height}cm、体重 {weight}kg、BMI {bmi}。", report, encounter, place, doctor);
        }

        // ---- resources ---------------------------------------------------------------------------

        private string WriteEncounter(DateTime start, DateTime end, string classCode, string classText, string typeText, Institution place, StaffMember doctor, IEnumerable<string> conditionIds)
        {
            var encounterId = NextId("enc");
            output.Add(json.Resource("Encounter", encounterId, w =>
            {
                w.WriteString("status", "finished");
                w.WriteStartObject("class");
                w.WriteString("system", KnownSystems.ActCode);
                w.WriteString("code", classCode);
                w.WriteString("display", classText);
                w.WriteEndObject();
                w.WriteStartArray("type");
                w.WriteStartObject();
                w.WriteString("text", typeText);
                w.WriteEndObject();
                w.WriteEndArray();
                FhirJson.Reference(w, "subject", reference);
                w.WriteStartArray("participant");
                w.WriteStartObject();
                FhirJson.Reference(w, "individual", "Practitioner/" + doctor.Id);
                w.WriteEndObject();
                w.WriteEndArray();
                FhirJson.Period(w, "period", start, end);
                var first = true;
                foreach (var conditionId in conditionIds)
                {
                    if (first)
                    {
                        w.WriteStartArray("reasonReference");
                        first = false;
                    }

                    w.WriteStartObject();
                    w.WriteString("reference", "Condition/" + conditionId);
                    w.WriteEndObject();
                }

                if (!first)
                {
                    w.WriteEndArray();
                }

                FhirJson.Reference(w, "serviceProvider", "Organization/" + place.Id, place.Name);
            }));
            return encounterId;
        }

        private void WriteCondition(string conditionId, Disease disease, DateTime onset, DateTime? abatement, string? encounterId, Institution place)
        {
            var recorder = random.Pick(place.Staff);
            var recorded = onset < generator.windowStart ? generator.windowStart.AddDays(random.Next(60)) : onset;
            output.Add(json.Resource("Condition", conditionId, w =>
            {
                FhirJson.Concept(w, "clinicalStatus", KnownSystems.ConditionClinical, abatement is null ? "active" : "resolved");
                FhirJson.Concept(w, "verificationStatus", KnownSystems.ConditionVerification, "confirmed");
                FhirJson.ConceptArray(w, "category", KnownSystems.ConditionCategory, "encounter-diagnosis");
                w.WriteStartObject("code");
                w.WriteStartArray("coding");
                if (disease.MedisKey is not null)
                {
                    FhirJson.Coding(w, KnownSystems.MedisDisease, disease.MedisKey, disease.Name);
                }

                FhirJson.Coding(w, KnownSystems.Icd10, disease.Icd10, disease.IcdDisplay);
                w.WriteEndArray();
                w.WriteString("text", disease.Name);
                w.WriteEndObject();
                FhirJson.Reference(w, "subject", reference);
                if (encounterId is not null)
                {
                    FhirJson.Reference(w, "encounter", "Encounter/" + encounterId);
                }

                w.WriteString("onsetDateTime", FhirJson.Date(onset));
                if (abatement is { } a)
                {
                    w.WriteString("abatementDateTime", FhirJson.Date(a));
                }

                w.WriteString("recordedDate", FhirJson.Instant(recorded));
                FhirJson.Reference(w, "recorder", "Practitioner/" + recorder.Id);
            }));
        }

        private void WriteObservation(LabTest test, string category, DateTime at, string encounterId, Institution place, double? value = null)
        {
            var v = value ?? Math.Round(Math.Max(test.Low * 0.3, MeasuredValue(test)), test.Decimals);
            var interpretation = v > test.High ? "H" : v < test.Low ? "L" : "N";
            output.Add(json.Resource("Observation", NextId("obs"), w =>
            {
                w.WriteString("status", "final");
                FhirJson.ConceptArray(w, "category", KnownSystems.ObservationCategory, category);
                FhirJson.Concept(w, "code", test.System, test.Code, test.Display, test.Display);
                FhirJson.Reference(w, "subject", reference);
                FhirJson.Reference(w, "encounter", "Encounter/" + encounterId);
                w.WriteString("effectiveDateTime", FhirJson.Instant(at));
                w.WriteStartArray("performer");
                w.WriteStartObject();
                w.WriteString("reference", "Organization/" + place.Id);
                w.WriteEndObject();
                w.WriteEndArray();
                FhirJson.Quantity(w, "valueQuantity", v, test.Unit, KnownSystems.Ucum, test.UcumCode);
                w.WriteStartArray("interpretation");
                w.WriteStartObject();
                w.WriteStartArray("coding");
                FhirJson.Coding(w, KnownSystems.Interpretation, interpretation);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                if (test.System == KnownSystems.Jlac10)
                {
                    w.WriteStartArray("referenceRange");
                    w.WriteStartObject();
                    FhirJson.Quantity(w, "low", test.Low, test.Unit, KnownSystems.Ucum, test.UcumCode);
                    FhirJson.Quantity(w, "high", test.High, test.Unit, KnownSystems.Ucum, test.UcumCode);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
            }));
        }

        private double MeasuredValue(LabTest test)
        {
            if (test == ClinicalCatalog.Diastolic)
            {
                return baseline[ClinicalCatalog.Systolic.Code] * 0.62 + random.Normal(0, 5);
            }

            if (baseline.TryGetValue(test.Code, out var b))
            {
                // Day-to-day variation of a few percent around the person's own level.
                return b * (1 + random.Normal(0, 0.05));
            }

            return random.Normal((test.Low + test.High) / 2, (test.High - test.Low) / 5);
        }

        private void Prescribe(Drug drug, DateTime at, string encounterId, Institution place, StaffMember doctor, int days)
        {
            var requestId = NextId("rx");
            var unit = drug.Unit == "TAB" ? "錠" : "個";
            var total = drug.AsNeeded ? drug.DosePerTime * 5 : drug.DosePerTime * drug.TimesPerDay * days;
            var active = at.AddDays(days) > generator.asOf;
            var dosageText = drug.AsNeeded ? $"1回{drug.DosePerTime}{unit} {drug.UsageText} 5回分" : $"1回{drug.DosePerTime}{unit} {drug.UsageText} {days}日分";
            output.Add(json.Resource("MedicationRequest", requestId, w =>
            {
                FhirJson.Identifiers(w, KnownSystems.ResourceInstance, requestId);
                w.WriteString("status", active ? "active" : "completed");
                w.WriteString("intent", "order");
                FhirJson.Concept(w, "medicationCodeableConcept", KnownSystems.YjCode, drug.YjCode, drug.Name, drug.Name);
                FhirJson.Reference(w, "subject", reference);
                FhirJson.Reference(w, "encounter", "Encounter/" + encounterId);
                w.WriteString("authoredOn", FhirJson.Instant(at));
                FhirJson.Reference(w, "requester", "Practitioner/" + doctor.Id);
                w.WriteStartArray("dosageInstruction");
                w.WriteStartObject();
                w.WriteString("text", dosageText);
                w.WriteStartObject("timing");
                FhirJson.Concept(w, "code", KnownSystems.MedicationUsage, drug.UsageCode, drug.UsageText, drug.UsageText);
                w.WriteEndObject();
                if (drug.AsNeeded)
                {
                    w.WriteBoolean("asNeededBoolean", true);
                }

                w.WriteStartArray("doseAndRate");
                w.WriteStartObject();
                FhirJson.Quantity(w, "doseQuantity", drug.DosePerTime, unit, KnownSystems.Merit9Unit, drug.Unit);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("dispenseRequest");
                FhirJson.Quantity(w, "quantity", total, unit, KnownSystems.Merit9Unit, drug.Unit);
                if (!drug.AsNeeded)
                {
                    FhirJson.Quantity(w, "expectedSupplyDuration", days, "日", KnownSystems.Ucum, "d");
                }

                w.WriteEndObject();
            }));

            // Dispensed at the patient's pharmacy the same day (an hour later) or the next.
            var pharmacist = random.Pick(pharmacy.Staff);
            var handedOver = at.AddMinutes(random.Chance(0.85) ? random.Next(20, 90) : 60 * 24 + random.Next(0, 120));
            output.Add(json.Resource("MedicationDispense", NextId("disp"), w =>
            {
                w.WriteString("status", "completed");
                FhirJson.Concept(w, "medicationCodeableConcept", KnownSystems.YjCode, drug.YjCode, drug.Name, drug.Name);
                FhirJson.Reference(w, "subject", reference);
                w.WriteStartArray("performer");
                w.WriteStartObject();
                FhirJson.Reference(w, "actor", "Practitioner/" + pharmacist.Id);
                w.WriteEndObject();
                w.WriteStartObject();
                FhirJson.Reference(w, "actor", "Organization/" + pharmacy.Id, pharmacy.Name);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("authorizingPrescription");
                w.WriteStartObject();
                w.WriteString("reference", "MedicationRequest/" + requestId);
                w.WriteEndObject();
                w.WriteEndArray();
                FhirJson.Quantity(w, "quantity", total, unit, KnownSystems.Merit9Unit, drug.Unit);
                if (!drug.AsNeeded)
                {
                    FhirJson.Quantity(w, "daysSupply", days, "日", KnownSystems.Ucum, "d");
                }

                w.WriteString("whenPrepared", FhirJson.Instant(handedOver.AddMinutes(-10)));
                w.WriteString("whenHandedOver", FhirJson.Instant(handedOver));
                w.WriteStartArray("dosageInstruction");
                w.WriteStartObject();
                w.WriteString("text", dosageText);
                w.WriteEndObject();
                w.WriteEndArray();
            }));
        }

        private void WriteDocument(string loinc, string loincDisplay, string title, string text, DateTime at, string encounterId, Institution place, StaffMember author)
        {
            output.Add(json.Resource("DocumentReference", NextId("doc"), w =>
            {
                w.WriteString("status", "current");
                FhirJson.Concept(w, "type", KnownSystems.Loinc, loinc, loincDisplay, title);
                FhirJson.Reference(w, "subject", reference);
                w.WriteString("date", FhirJson.Instant(at));
                w.WriteStartArray("author");
                w.WriteStartObject();
                w.WriteString("reference", "Practitioner/" + author.Id);
                w.WriteEndObject();
                w.WriteEndArray();
                FhirJson.Reference(w, "custodian", "Organization/" + place.Id, place.Name);
                w.WriteString("description", title);
                w.WriteStartArray("content");
                w.WriteStartObject();
                w.WriteStartObject("attachment");
                w.WriteString("contentType", "text/plain; charset=utf-8");
                w.WriteString("language", "ja");
                w.WriteBase64String("data", Encoding.UTF8.GetBytes(text));
                w.WriteString("title", title);
                w.WriteString("creation", FhirJson.Instant(at));
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("context");
                w.WriteStartArray("encounter");
                w.WriteStartObject();
                w.WriteString("reference", "Encounter/" + encounterId);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }));
        }

        private static void StringExtension(Utf8JsonWriter w, string url, string value)
        {
            w.WriteStartObject();
            w.WriteString("url", url);
            w.WriteString("valueString", value);
            w.WriteEndObject();
        }
    }
}
