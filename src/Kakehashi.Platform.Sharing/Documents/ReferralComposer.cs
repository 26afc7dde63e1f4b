using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// Composes a referral letter (JP_Bundle_eReferral) from the form's fields, the platform's Patient
/// and the caller's institution and name, the way the guide's structured example does: the
/// Composition with its 紹介元 (920), 紹介先 (910) and structured (300) sections, each structured
/// section with its narrative (the form's text) and the entries its slice of
/// JP_Composition_eReferral allows: the purpose as an Encounter's reason (950), each diagnosis as a
/// Condition (340), the clinical course as a note on the main diagnosis (360), the infection
/// information as an Observation (520). The form carries no codes: diagnoses are written with the
/// guide's code for an uncoded disease and their text, the current medication as the narrative of
/// the 投薬指示 section (430), remarks as 備考・連絡情報 (220).
/// </summary>
public static class ReferralComposer
{
    private const string SectionSystem = DocumentReader.SectionSystem;
    private const string Ecs = "http://jpfhir.jp/fhir/eCS/StructureDefinition/";
    private const string ResourceIdentifierSystem = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier";

    /// <summary>
    /// The guide's 病名管理番号 for a disease that cannot be coded: as many 9s as the number has digits
    /// (JP_Condition_eCS, Condition.code). The text the doctor typed goes in Condition.code.text.
    /// </summary>
    private const string UncodedDisease = "99999999";

    /// <summary>What a section says when the form leaves it empty but the profile requires it.</summary>
    private const string NotStated = "記載なし";

    /// <summary>
    /// The referral of <paramref name="patient"/> (the platform's Patient, named in the document by
    /// <paramref name="memberId"/>, its insured number) from <paramref name="sender"/>. A form
    /// without recipient, purpose or (when the platform has none) the patient's address is refused
    /// with 400 naming the field.
    /// </summary>
    public static JsonObject Compose(ReferralRequest form, string patientId, JsonObject patient, string memberId, ReferralSender sender, DateTimeOffset now)
    {
        var recipient = RequireRecipient(form.RecipientInstitution);
        var purpose = Trimmed(form.Purpose) ?? throw FhirException.BadRequest("purpose (紹介目的) is required: say what the recipient is asked to do.", "purpose");
        var time = now.ToOffset(TimeSpan.FromHours(9));
        var document = new Entries(time.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

        var composition = new JsonObject();
        document.Add(composition);
        var patientUrl = document.Add(ReferralPatient.Compose(patient, patientId, memberId, Trimmed(form.PatientAddress), Meta(Ecs + "JP_Patient_eCS", document.Stamp)));
        var senderOrg = document.Add(Organization(sender.InstitutionCode, sender.InstitutionName, null, document.Stamp));
        var author = document.Add(Practitioner(sender.AuthorName, document.Stamp));
        var recipientOrg = document.Add(Organization(recipient, form.RecipientInstitutionName, form.RecipientDepartment, document.Stamp));
        var to = new List<JsonNode> { Ref(recipientOrg, "Organization") };
        if (Trimmed(form.RecipientDoctor) is { } doctor)
        {
            to.Add(Ref(document.Add(Practitioner(doctor, document.Stamp)), "Practitioner"));
        }

        var encounter = document.Add(Encounter(purpose, document.Stamp));
        var diagnoses = (form.Diagnoses ?? []).Select(Trimmed).OfType<string>().ToList();
        var structured = new JsonArray(
            Section("紹介目的", "950", purpose, Ref(encounter, "Encounter")),
            ProblemSection(document, diagnoses, patientUrl),
            PresentIllnessSection(document, Trimmed(form.ClinicalCourse), diagnoses.FirstOrDefault(), patientUrl),
            InfectionSection(document, Trimmed(form.Infections), patientUrl, time));
        if (Trimmed(form.Medications) is { } medications)
        {
            // JP_MedicationRequest_eCS needs what a free-text line does not say (the period of use, a
            // coded or dummy usage per drug): the current medication stays the section's narrative,
            // as in the guide's referral written without entries.
            structured.Add(Section("投薬指示", "430", medications));
        }

        var sections = new JsonArray(
            Section("紹介元情報", "920", null, Ref(senderOrg, "Organization"), Ref(author, "Practitioner")),
            Section("紹介先情報", "910", null, [.. to]),
            new JsonObject { ["title"] = "構造情報", ["code"] = Code(SectionSystem, "300", "構造情報セクション"), ["section"] = structured });
        if (Trimmed(form.Remarks) is { } remarks)
        {
            sections.Add(Section("備考・連絡情報", "220", remarks));
        }

        FillComposition(composition, sender.InstitutionCode, time, document.Stamp, patientUrl, encounter, author, senderOrg, sections);
        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["meta"] = Meta("http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral", document.Stamp),
            ["identifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/clins/bundle-identifier", ["value"] = sender.InstitutionCode + "^" + time.Year + "^" + NewId()[..12] },
            ["type"] = "document",
            ["timestamp"] = document.Stamp,
            ["entry"] = document.Items,
        };
    }

    private static string RequireRecipient(string? code)
    {
        var recipient = Trimmed(code) ?? throw FhirException.BadRequest(
            "recipientInstitution (紹介先医療機関コード) is required: the recipient institution code, 10 digits.", "recipientInstitution");
        return recipient.Length == 10 && recipient.All(char.IsAsciiDigit)
            ? recipient
            : throw FhirException.BadRequest("recipientInstitution is the 10-digit institution code of the 紹介先.", "recipientInstitution");
    }

    private static void FillComposition(JsonObject composition, string senderCode, DateTimeOffset time, string stamp, string patient, string encounter, string author, string sender, JsonArray sections)
    {
        composition["resourceType"] = "Composition";
        composition["meta"] = Meta("http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral", stamp);
        composition["extension"] = new JsonArray(new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber", ["valueString"] = "1" });
        composition["identifier"] = new JsonObject { ["system"] = ResourceIdentifierSystem, ["value"] = senderCode + "-" + time.Year + "-" + NewId()[..12] };
        composition["status"] = "final";
        composition["type"] = Code("http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes", "57133-1", "診療情報提供書");
        composition["category"] = new JsonArray(Code("http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes", "OUTPATIENT", "外来文書"));
        composition["subject"] = Ref(patient, "Patient");
        composition["encounter"] = Ref(encounter, "Encounter");
        composition["date"] = stamp;
        composition["author"] = new JsonArray(Ref(author, "Practitioner"), Ref(sender, "Organization"));
        composition["title"] = "診療情報提供書";
        composition["custodian"] = Ref(sender, "Organization");
        composition["event"] = new JsonArray(new JsonObject
        {
            ["code"] = new JsonArray(new JsonObject { ["text"] = "診療情報提供書発行" }),
            ["period"] = new JsonObject { ["start"] = time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        });
        composition["section"] = sections;
    }

    /// <summary>傷病名・主訴 (340), required by the profile: one Condition per diagnosis, or 記載なし when the form has none.</summary>
    private static JsonObject ProblemSection(Entries document, List<string> diagnoses, string patient)
    {
        var conditions = diagnoses.Select(d => Ref(document.Add(Condition(d, "problem-list-item", null, patient, document.Stamp)), "Condition")).ToArray();
        return Section("傷病名・主訴", "340", diagnoses.Count > 0 ? string.Join("\n", diagnoses) : NotStated, conditions);
    }

    /// <summary>
    /// 現病歴 (360), required by the profile, whose entries can only be Conditions: as in the guide's
    /// example, the course is a note on the disease it tells of (here the first diagnosis). Without a
    /// diagnosis to hang it on, the course is the section's narrative alone.
    /// </summary>
    private static JsonObject PresentIllnessSection(Entries document, string? course, string? mainDiagnosis, string patient)
    {
        if (course is null || mainDiagnosis is null)
        {
            return Section("現病歴", "360", course ?? NotStated);
        }

        return Section("現病歴", "360", course, Ref(document.Add(Condition(mainDiagnosis, "encounter-diagnosis", course, patient, document.Stamp)), "Condition"));
    }

    /// <summary>
    /// 感染症情報 (520), always written, with one Observation: the form's text, or a data-absent
    /// Observation saying the letter does not state it. A referral Bundle without any Observation
    /// cannot be validated by Firely.Fhir.Validation 3.6 (JP_Bundle_eReferral reslices its
    /// entry:observation slice, and the validator fails on that slice when it is empty), so the
    /// section is never left out.
    /// </summary>
    private static JsonObject InfectionSection(Entries document, string? infections, string patient, DateTimeOffset time)
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Meta(Ecs + "JP_Observation_Common_eCS", document.Stamp),
            ["identifier"] = new JsonArray(ResourceIdentifier()),
            ["status"] = "final",
            ["code"] = new JsonObject { ["text"] = "感染症情報" },
            ["subject"] = new JsonObject { ["reference"] = patient },
            ["effectiveDateTime"] = time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (infections is not null)
        {
            observation["valueString"] = infections;
        }
        else
        {
            // "not-asked": the form did not lead to the information being stated; it says nothing of the patient.
            observation["dataAbsentReason"] = Code("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-asked", "Not Asked");
        }

        return Section("感染症情報", "520", infections ?? NotStated, Ref(document.Add(observation), "Observation"));
    }

    private static JsonObject Encounter(string purpose, string stamp) => new()
    {
        ["resourceType"] = "Encounter",
        ["meta"] = Meta(Ecs + "JP_Encounter_eCS", stamp),
        ["identifier"] = new JsonArray(ResourceIdentifier()),
        ["status"] = "finished",
        ["class"] = Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "外来"),
        ["reasonCode"] = new JsonArray(new JsonObject { ["text"] = purpose }),
    };

    private static JsonObject Organization(string code, string? name, string? department, string stamp)
    {
        var organization = new JsonObject
        {
            ["resourceType"] = "Organization",
            ["meta"] = Meta(Ecs + "JP_Organization_eCS", stamp),
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = DocumentReader.InstitutionNumberSystem, ["value"] = code }),
            ["extension"] = new JsonArray(
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_PrefectureNo",
                    ["valueCoding"] = Coding("http://jpfhir.jp/fhir/core/mhlw/CodeSystem/PrefectureNo-2digits", code[..2], null),
                },
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationCategory",
                    ["valueCoding"] = Coding("http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationFeeScoreType", code[2..3], null),
                },
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationNo",
                    // The 7-digit institution number without the prefecture and fee-table digits.
                    ["valueIdentifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicalOrganizationID", ["value"] = code[3..] },
                }),
            ["type"] = new JsonArray(Code("http://terminology.hl7.org/CodeSystem/organization-type", "prov", null)),
            ["name"] = Trimmed(name) ?? code,
        };
        if (Trimmed(department) is { } alias)
        {
            organization["alias"] = new JsonArray(alias);
        }

        return organization;
    }

    private static JsonObject Practitioner(string name, string stamp) => new()
    {
        ["resourceType"] = "Practitioner",
        ["meta"] = Meta(Ecs + "JP_Practitioner_eCS", stamp),
        ["name"] = new JsonArray(new JsonObject
        {
            ["extension"] = new JsonArray(new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation", ["valueCode"] = "IDE" }),
            ["use"] = "official",
            ["text"] = name.Trim(),
        }),
    };

    /// <summary>A diagnosis as typed: the uncoded-disease code, the text kept whole in code.text (JP_Condition_eCS).</summary>
    private static JsonObject Condition(string text, string category, string? note, string patient, string stamp)
    {
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["meta"] = Meta(Ecs + "JP_Condition_eCS", stamp),
            ["identifier"] = new JsonArray(ResourceIdentifier()),
            ["clinicalStatus"] = Code("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null),
            ["verificationStatus"] = Code("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null),
            ["category"] = new JsonArray(Code("http://terminology.hl7.org/CodeSystem/condition-category", category, null)),
            ["code"] = new JsonObject
            {
                ["coding"] = new JsonArray(Coding("http://medis.or.jp/CodeSystem/master-disease-keyNumber", UncodedDisease, "未コード化傷病名")),
                ["text"] = text,
            },
            ["subject"] = new JsonObject { ["reference"] = patient },
        };
        if (note is not null)
        {
            condition["note"] = new JsonArray(new JsonObject { ["text"] = note });
        }

        return condition;
    }

    private static JsonObject Section(string title, string code, string? text, params JsonNode[] entries)
    {
        var section = new JsonObject { ["title"] = title };
        if (text is not null)
        {
            section["text"] = new JsonObject { ["status"] = "additional", ["div"] = Xhtml(text) };
        }

        section["code"] = Code(SectionSystem, code, null);
        if (entries.Length > 0)
        {
            section["entry"] = new JsonArray(entries);
        }

        return section;
    }

    /// <summary>The text as a narrative: escaped, its line breaks kept.</summary>
    private static string Xhtml(string text) =>
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + string.Join("<br/>", text.Split('\n').Select(l => WebUtility.HtmlEncode(l.TrimEnd('\r')))) + "</div>";

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static JsonObject ResourceIdentifier() => new() { ["system"] = ResourceIdentifierSystem, ["value"] = NewId() };

    private static JsonObject Meta(string profile, string stamp) => new() { ["lastUpdated"] = stamp, ["profile"] = new JsonArray(profile) };

    private static JsonObject Ref(string url, string type) => new() { ["reference"] = url, ["type"] = type };

    private static JsonObject Code(string system, string code, string? display) => new() { ["coding"] = new JsonArray(Coding(system, code, display)) };

    private static JsonObject Coding(string system, string code, string? display)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        if (display is not null)
        {
            coding["display"] = display;
        }

        return coding;
    }

    /// <summary>The Bundle's entries as they are added, each under a fresh urn:uuid, and the time every resource is stamped with.</summary>
    private sealed class Entries(string stamp)
    {
        public string Stamp { get; } = stamp;

        public JsonArray Items { get; } = [];

        public string Add(JsonObject resource)
        {
            var url = "urn:uuid:" + Guid.NewGuid().ToString("D");
            Items.Add(new JsonObject { ["fullUrl"] = url, ["resource"] = resource });
            return url;
        }
    }
}

/// <summary>Who writes the referral: the caller's institution (code and name) and the doctor's name.</summary>
public sealed record ReferralSender(string InstitutionCode, string InstitutionName, string AuthorName);
