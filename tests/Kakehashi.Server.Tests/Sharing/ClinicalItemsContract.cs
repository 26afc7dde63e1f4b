using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Sharing.ClinicalItemsData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing;

/// <summary>
/// The six clinical items (6情報) as institutions send and view them: the guide's examples accepted
/// and its error examples refused at the element; diagnoses replaced per sender; confirmed items
/// only; 未告知 hidden from the patient alone; the viewing windows by the day; consent and
/// emergency access; the retention job.
/// </summary>
public abstract class ClinicalItemsContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    // Japanese text as written, not \u-escaped: what a Contains on the answer looks for.
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record World(string Patient, HttpClient Hospital, string HospitalCode, HttpClient Clinic, string ClinicCode, HttpClient Viewer, string ViewerCode) : IDisposable
    {
        public void Dispose()
        {
            Hospital.Dispose();
            Clinic.Dispose();
            Viewer.Dispose();
        }
    }

    private async Task<World> SetUpAsync(bool consent = true)
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("共有"))))["id"]!;
        var hospital = await server.RegisterClientAsync("doctor", "hospital");
        var clinic = await server.RegisterClientAsync("doctor", "clinic");
        var viewer = await server.RegisterClientAsync("doctor", "hospital");
        if (consent)
        {
            await TestConsents.GrantAsync(Operator, patient, viewer.OrganizationCode, "clinical-items", "medication");
        }

        return new World(patient, server.CreateClient(hospital), hospital.OrganizationCode, server.CreateClient(clinic), clinic.OrganizationCode, server.CreateClient(viewer), viewer.OrganizationCode);
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient sender, string patient, JsonObject bundle) =>
        sender.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-clinical-items", bundle.ToJsonString());

    private static async Task<JsonNode> SubmittedAsync(HttpClient sender, string patient, params JsonObject[] items) =>
        await (await SubmitAsync(sender, patient, Bundle(items))).ExpectAsync(HttpStatusCode.OK);

    private static int Count(JsonNode parameters, string name) =>
        (int)parameters["parameter"]!.AsArray().First(p => (string?)p!["name"] == name)!["valueInteger"]!;

    private static async Task<List<JsonNode>> ItemsAsync(HttpClient viewer, string patient, string? kind = null) =>
        [.. ((await (await viewer.GetAsync($"Patient/{patient}/$clinical-items" + (kind is null ? "" : "?kind=" + kind))).ExpectAsync(HttpStatusCode.OK))["entry"]?.AsArray() ?? [])
            .Select(e => e!["resource"]!)];

    private static string Name(JsonNode item) => (string)item["code"]!["text"]!;

    private static List<string> Sources(JsonNode item) =>
        [.. item["extension"]!.AsArray().Where(e => (string?)e!["url"] == "http://kakehashi.jp/fhir/StructureDefinition/source-institution").Select(e => (string)e!["valueIdentifier"]!["value"]!)];

    [Fact]
    public async Task TheGuidesItemExamples_AreAccepted_AndViewedWithTheirSource()
    {
        using var world = await SetUpAsync();
        var observations = Example("Bundle-Bundle-CLINS-Observations-Example-01.json");
        var stored = await (await SubmitAsync(world.Hospital, world.Patient, observations)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, Count(stored, "created"));

        string[] examples =
        [
            "Condition-Example-JP-Condition-eCS-01.json", "Condition-Example-JP-Condition-eCS-02.json", "Condition-Example-JP-Condition-eCS-ANGINA.json",
            "Condition-Example-JP-Condition-eCS-Fx.json", "AllergyIntolerance-Example-JP-AllergyIntolerance-eCS-01.json",
            "AllergyIntolerance-Example-JP-AllergyIntolerance-eCS-03.json", "Observation-Example-JP-Obs-LabResult-eCS-Alb.json",
            "MedicationRequest-Example-JP-MedReq-PO-SID-28days.json", "MedicationRequest-Example-JP-MedReq-ExtSkin-Total2.json",
        ];
        var answer = await (await SubmitAsync(world.Clinic, world.Patient, Bundle([.. examples.Select(Example)]))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(examples.Length, Count(answer, "created"));

        var items = await ItemsAsync(world.Viewer, world.Patient);
        var diagnoses = items.Where(i => (string?)i["resourceType"] == "Condition").ToList();
        Assert.Equal(4, diagnoses.Count);
        Assert.All(diagnoses, d => Assert.Equal([world.ClinicCode], Sources(d)));
        Assert.Equal(2, items.Count(i => (string?)i["resourceType"] == "AllergyIntolerance"));
        // Most of the guide's results and prescriptions are of 2021: stored and found by a consented
        // search, but past their five-year retention, so the views leave them out.
        var results = await (await world.Viewer.GetAsync($"Observation?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, results["entry"]!.AsArray().Count);
        var prescriptions = await (await world.Viewer.GetAsync($"MedicationRequest?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, prescriptions["entry"]!.AsArray().Count);
        Assert.True(items.Count(i => (string?)i["resourceType"] == "Observation") < 5);
    }

    [Theory]
    [InlineData("Observation-ErrorExample-ObsLabo-eGFR.json", "Bundle.entry[1].resource.code", null)]
    [InlineData("MedicationRequest-ErrorExample-JP-MedReq-ExtEye-Total1.json", "Bundle.entry[1].resource", null)]
    // "一般処方コード2124030F2ZZZが間違っている": 2124030F2 (ingredient, form, strength) is no drug of the price list; the
    // valid example's クアゼパム錠２０ｍｇ is 1124030F2ZZZ. Only the drug master can tell, so the profile passes it.
    [InlineData("MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json", "Bundle.entry[1].resource.medicationCodeableConcept.coding[0].code", "2124030F2ZZZ")]
    public async Task TheGuidesErrorExamples_AreRefusedAtTheElement_AndNothingIsStored(string file, string element, string? said)
    {
        using var world = await SetUpAsync();
        var good = Diagnosis(Unique("dx"), "20064049", "十二指腸潰瘍");
        var refused = await (await SubmitAsync(world.Hospital, world.Patient, Bundle(good, Example(file)))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var issues = refused["issue"]!.AsArray();
        Assert.NotEmpty(issues);
        Assert.All(issues, i => Assert.StartsWith("Bundle.entry[1].resource", (string?)i!["expression"]![0], StringComparison.Ordinal));
        Assert.Contains(element, issues.Select(i => (string?)i!["expression"]![0]));
        if (said is not null)
        {
            Assert.Contains(issues, i => (string?)i!["expression"]![0] == element && (string?)i["severity"] == "error" && ((string?)i["diagnostics"])!.Contains(said, StringComparison.Ordinal));
        }

        Assert.Empty(await ItemsAsync(world.Viewer, world.Patient));
        var stored = await (await Operator.GetAsync($"MedicationRequest?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(stored["entry"]);
    }

    [Fact]
    public async Task TheGuidesPrescriptionExamples_AreAccepted_TheirDrugCodesKnownToTheDrugMaster()
    {
        using var world = await SetUpAsync();
        var examples = PrescriptionExamples();
        Assert.Equal(13, examples.Count);
        var answer = await (await SubmitAsync(world.Clinic, world.Patient, Bundle([.. examples.Select(Example)]))).ExpectAsync(HttpStatusCode.OK);
        // Two pairs of the examples share their resourceInstance-identifier: the second of each updates the first.
        Assert.Equal(examples.Count, Count(answer, "created") + Count(answer, "updated"));

        // Two YJ codes are not in the 2025-07-16 price list, though real: プレドニン錠５ｍｇ's own code under the
        // unified-name listing プレドニゾロン錠 (2456001F1019), and カルボシステイン錠２５０ｍｇ「サワイ」, listed until March
        // 2025. Their drugs (first 9 characters) are listed: accepted, each with a note at its coding.
        var notes = answer["parameter"]!.AsArray().Single(p => (string?)p!["name"] == "outcome")!["resource"]!["issue"]!.AsArray();
        string Coding(string file, int j) => $"Bundle.entry[{examples.ToList().IndexOf(file)}].resource.medicationCodeableConcept.coding[{j}].code";
        Assert.Equal(
            [Coding("MedicationRequest-Example-JP-MedReq-TID-01.json", 1), Coding("MedicationRequest-Example-JP-MedReq-eCS-fukintouByDay.json", 1)],
            notes.Select(n => (string)n!["expression"]![0]!).Order(StringComparer.Ordinal));
        Assert.All(notes, n => Assert.Equal("information", (string?)n!["severity"]));
        Assert.Contains(notes, n => ((string?)n!["diagnostics"])!.Contains("2456001F1310", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(YjCode, "1124030F2025", "accepted")] // ドラール錠２０, listed
    [InlineData(YjCode, "1124030F2998", "noted")] // not listed, but its drug クアゼパム ２０ｍｇ１錠 is
    [InlineData(YjCode, "2124030F2017", "refused")] // no drug 2124030F2
    [InlineData(YjCode, "1124030F2", "refused")] // not a YJ code
    [InlineData("urn:oid:1.2.392.100495.20.1.73", "9999999X9999", "refused")] // the same system under JP Core's OID
    [InlineData(GeneralNameCode, "1124030F9ZZZ", "refused")] // クアゼパム in no 9th strength
    [InlineData(GeneralNameCode, "1124030FAZZZ", "noted")] // an exception code (例外コード): its ingredient is checked
    [InlineData("http://medis.or.jp/CodeSystem/master-HOT9", "999999999", "accepted")] // HOT: the price list cannot tell
    public async Task APrescriptionsDrugCode_IsCheckedAgainstTheDrugMaster(string system, string code, string expected)
    {
        using var world = await SetUpAsync();
        var request = Prescription(Unique("p"), Today);
        var codings = request["medicationCodeableConcept"]!["coding"]!.AsArray();
        // Coding 0 stays a real standard code (the profile wants a YJ or general-name code, at most one of each): the
        // guide's 一般名処方コード, or ドラール錠２０'s YJ code when a general-name code is tried. The code tried is coding 1.
        if (system == GeneralNameCode)
        {
            codings[0] = new JsonObject { ["system"] = YjCode, ["code"] = "1124030F2025", ["display"] = "ドラール錠２０" };
        }

        codings.Insert(1, new JsonObject { ["system"] = system, ["code"] = code, ["display"] = "クアゼパム錠２０ｍｇ" });
        var response = await SubmitAsync(world.Hospital, world.Patient, Bundle(request));
        const string Element = "Bundle.entry[0].resource.medicationCodeableConcept.coding[1].code";
        if (expected == "refused")
        {
            var refused = await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);
            var issue = Assert.Single(refused["issue"]!.AsArray());
            Assert.Equal(Element, (string?)issue!["expression"]![0]);
            Assert.Equal("code-invalid", (string?)issue["code"]);
            Assert.Contains(code, (string?)issue["diagnostics"], StringComparison.Ordinal);
            Assert.Empty(await ItemsAsync(world.Viewer, world.Patient));
            return;
        }

        var answer = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, Count(answer, "created"));
        var outcome = answer["parameter"]!.AsArray().SingleOrDefault(p => (string?)p!["name"] == "outcome");
        if (expected == "noted")
        {
            var note = Assert.Single(outcome!["resource"]!["issue"]!.AsArray());
            Assert.Equal(Element, (string?)note!["expression"]![0]);
            Assert.Equal("information", (string?)note["severity"]);
        }
        else
        {
            Assert.Null(outcome);
        }
    }

    [Fact]
    public async Task OnlyConfirmedItems_AreShared_WithTheReason()
    {
        using var world = await SetUpAsync();
        var suspected = Example("Condition-Example-JP-Condition-eCS-03.json");
        var refused = await (await SubmitAsync(world.Hospital, world.Patient, Bundle(suspected))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(refused["issue"]!.AsArray(), i => (string?)i!["expression"]![0] == "Bundle.entry[0].resource.verificationStatus"
            && ((string?)i["diagnostics"])!.Contains("confirmed", StringComparison.Ordinal));

        var preliminary = Lab(Unique("lab"), Potassium, "カリウム", 4.1m, Today);
        preliminary["status"] = "preliminary";
        var notFinal = await (await SubmitAsync(world.Hospital, world.Patient, Bundle(preliminary))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(notFinal["issue"]!.AsArray(), i => (string?)i!["expression"]![0] == "Bundle.entry[0].resource.status");
        Assert.Empty(await ItemsAsync(world.Viewer, world.Patient));
    }

    [Fact]
    public async Task Diagnoses_AreAFullReplacementPerSender_AndDepartment()
    {
        using var world = await SetUpAsync();
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h1", "20055452", "高血圧症", "01"), Diagnosis("h2", "20066412", "2型糖尿病", "01"), Diagnosis("h3", "20058297", "脂質異常症", "08"));
        await SubmittedAsync(world.Clinic, world.Patient, Diagnosis("c1", "20063453", "逆流性食道炎"));

        // The hospital's department 01 now lists only 高血圧症: 2型糖尿病 leaves its list; department 08's and the clinic's stay.
        var replaced = await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h1", "20055452", "高血圧症", "01"));
        Assert.Equal(1, Count(replaced, "updated"));
        Assert.Equal(1, Count(replaced, "removed"));

        var names = (await ItemsAsync(world.Viewer, world.Patient, "diagnosis")).Select(Name).Order(StringComparer.Ordinal).ToList();
        Assert.DoesNotContain("2型糖尿病", names);
        Assert.Equal(["脂質異常症", "逆流性食道炎", "高血圧症"], names);
    }

    [Fact]
    public async Task NotYetTold_IsHiddenFromThePatientAlone_InEveryView()
    {
        using var world = await SetUpAsync();
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("told", "20055452", "高血圧症"), Diagnosis("untold", "20064049", "胃癌", tags: "UNINFORMED"));
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, world.Patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var patient = server.CreateClientWithToken(token);

        Assert.Equal(["高血圧症"], (await ItemsAsync(patient, world.Patient, "diagnosis")).Select(Name));
        var search = await (await patient.GetAsync($"Condition?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        var found = (search["entry"]?.AsArray() ?? []).Select(e => (string?)e!["resource"]!["code"]!["text"]).ToList();
        Assert.Equal(["高血圧症"], found);
        var hiddenId = (string)(await ItemsAsync(world.Viewer, world.Patient, "diagnosis")).First(i => Name(i) == "胃癌")["id"]!;
        await (await patient.GetAsync($"Condition/{hiddenId}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var everything = await (await patient.GetAsync($"Patient/{world.Patient}?_revinclude=Condition:patient")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("胃癌", everything.ToJsonString(Readable), StringComparison.Ordinal);
        var summary = await (await patient.GetAsync($"Patient/{world.Patient}/$summary")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("胃癌", summary.ToJsonString(Readable), StringComparison.Ordinal);
        Assert.Contains("高血圧症", summary.ToJsonString(Readable), StringComparison.Ordinal);

        // Another institution with consent sees it, with the notice.
        var seen = (await ItemsAsync(world.Viewer, world.Patient, "diagnosis")).Single(i => Name(i) == "胃癌");
        Assert.Contains(seen["extension"]!.AsArray(), e => ((string?)e!["valueString"])?.StartsWith("未告知", StringComparison.Ordinal) == true);

        // Nor its versions, before or after the sender's next list removes it.
        foreach (var removed in new[] { false, true })
        {
            if (removed)
            {
                await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("told", "20055452", "高血圧症"));
            }

            await (await patient.GetAsync($"Condition/{hiddenId}/_history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
            await (await patient.GetAsync($"Condition/{hiddenId}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task ViewingWindows_ApplyByTheDay()
    {
        using var world = await SetUpAsync();
        var today = Today;
        await SubmittedAsync(world.Hospital, world.Patient,
            // Labs: the last year, or the last three results of a test when fewer.
            Lab("k0", Potassium, "カリウム", 4.0m, today.AddDays(-10)),
            Lab("k1", Potassium, "カリウム", 4.1m, today.AddDays(-400)),
            Lab("k2", Potassium, "カリウム", 4.2m, today.AddDays(-401)),
            Lab("k3", Potassium, "カリウム", 4.3m, today.AddDays(-402)),
            Lab("a0", Albumin, "アルブミン", 4.0m, today.AddDays(-364)),
            Lab("a1", Albumin, "アルブミン", 4.1m, today.AddDays(-365)),
            Lab("a2", Albumin, "アルブミン", 4.2m, today.AddDays(-366)),
            Lab("a3", Albumin, "アルブミン", 4.3m, today.AddDays(-367)),
            Lab("a4", Albumin, "アルブミン", 4.4m, today.AddDays(-368)),
            // Prescriptions: the last 100 days, or the last three.
            Prescription("p0", today.AddDays(-1)), Prescription("p1", today.AddDays(-100)), Prescription("p2", today.AddDays(-101)),
            Prescription("p3", today.AddDays(-102)), Prescription("p4", today.AddDays(-103)),
            // Diagnoses: five years after they ended, unless kept long-term.
            Diagnosis("ended-inside", "20055452", "高血圧症", ended: today.AddYears(-5)),
            Diagnosis("ended-outside", "20066412", "2型糖尿病", ended: today.AddYears(-5).AddDays(-1)),
            Diagnosis("long-term", "20058297", "脂質異常症", ended: today.AddYears(-5).AddDays(-1), tags: "LTS"));

        var labs = await ItemsAsync(world.Viewer, world.Patient, "lab");
        Assert.Equal(3, labs.Count(l => Name(l) == "カリウム"));
        Assert.DoesNotContain(labs, l => (string?)l["effectiveDateTime"] == Day(today.AddDays(-402)) + "T10:00:00+09:00");
        // アルブミン: the two inside the year (364, 365 days) and the third newest (366); not 367 or 368.
        Assert.Equal(3, labs.Count(l => Name(l) == "アルブミン"));

        var prescriptions = await ItemsAsync(world.Viewer, world.Patient, "prescription");
        Assert.Equal(3, prescriptions.Count);
        Assert.DoesNotContain(prescriptions, p => ((string?)p["authoredOn"])!.StartsWith(Day(today.AddDays(-102)), StringComparison.Ordinal));

        var diagnoses = (await ItemsAsync(world.Viewer, world.Patient, "diagnosis")).Select(Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["脂質異常症", "高血圧症"], diagnoses);
    }

    [Fact]
    public async Task TheSameItemFromTwoInstitutions_IsShownOnce_NamingBoth()
    {
        using var world = await SetUpAsync();
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h", "20055452", "高血圧症"));
        await SubmittedAsync(world.Clinic, world.Patient, Diagnosis("c", "20055452", "高血圧症"));
        var diagnosis = Assert.Single(await ItemsAsync(world.Viewer, world.Patient, "diagnosis"));
        Assert.Equal(new[] { world.ClinicCode, world.HospitalCode }.Order(StringComparer.Ordinal), Sources(diagnosis).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WithoutConsent_TheViewsAreRefused_NamingTheCategory_AndInsurersNeverSeeThem()
    {
        using var world = await SetUpAsync(consent: false);
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h", "20055452", "高血圧症"));
        var refused = await (await world.Viewer.GetAsync($"Patient/{world.Patient}/$clinical-items")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("clinical-items", (string?)refused["issue"]![0]!["details"]!["coding"]![0]!["code"]);
        await (await world.Viewer.GetAsync($"Patient/{world.Patient}/$summary")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var search = await (await world.Viewer.GetAsync($"Condition?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(search["entry"]);

        using var insurer = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        await (await insurer.GetAsync($"Patient/{world.Patient}/$clinical-items")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var pharmacist = server.CreateClient(await server.RegisterClientAsync("pharmacist", "pharmacy"));
        await (await pharmacist.SendAsync(HttpMethod.Post, $"Patient/{world.Patient}/$submit-clinical-items", Bundle(Diagnosis("x", "20055452", "高血圧症")).ToJsonString()))
            .ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PatientSummary_IsADocument_WithASectionPerItemKind()
    {
        using var world = await SetUpAsync();
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h", "20055452", "高血圧症"), Lab("k", Potassium, "カリウム", 4.0m, Today), Prescription("p", Today));
        var summary = await (await world.Viewer.GetAsync($"Patient/{world.Patient}/$summary")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("document", (string?)summary["type"]);
        var composition = summary["entry"]![0]!["resource"]!;
        Assert.Equal("Composition", (string?)composition["resourceType"]);
        Assert.Equal(6, composition["section"]!.AsArray().Count);
        var referenced = composition["section"]!.AsArray().SelectMany(s => s!["entry"]?.AsArray() ?? []).Select(e => (string)e!["reference"]!).ToList();
        Assert.Equal(3, referenced.Count);
        Assert.All(referenced, r => Assert.Contains(summary["entry"]!.AsArray(), e => (string?)e!["fullUrl"] == r));

        // A valid FHIR document (identifier, timestamp, Composition first, every reference resolved in the Bundle).
        var outcome = await (await Operator.SendAsync(HttpMethod.Post, "Bundle/$validate", summary.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty((outcome["issue"]?.AsArray() ?? []).Where(i => (string?)i!["severity"] is "error" or "fatal").Select(i => $"{i!["expression"]?[0]}: {i["diagnostics"]}"));
    }

    [Fact]
    public async Task EmergencySummary_NeedsAnEmergencyGrant_AndIsAuditedAsEmergency()
    {
        using var world = await SetUpAsync(consent: false);
        await SubmittedAsync(world.Hospital, world.Patient, Diagnosis("h", "20055452", "高血圧症"), Diagnosis("old", "20066412", "2型糖尿病", ended: Today.AddYears(-1)),
            Lab("k0", Potassium, "カリウム", 4.0m, Today.AddDays(-3)), Lab("k1", Potassium, "カリウム", 5.9m, Today.AddDays(-1)), Prescription("p", Today.AddDays(-20)));
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await (await doctor.GetAsync($"Patient/{world.Patient}/$emergency-summary")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await world.Viewer.GetAsync($"Patient/{world.Patient}/$emergency-summary")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        const string Reason = "意識障害で救急搬送、既往歴の確認が必要";
        await (await doctor.SendAsync(HttpMethod.Post, $"Patient/{world.Patient}/$emergency-access", $$$"""{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"{{{Reason}}}"}]}"""))
            .ExpectAsync(HttpStatusCode.OK);
        var summary = await (await doctor.GetAsync($"Patient/{world.Patient}/$emergency-summary")).ExpectAsync(HttpStatusCode.OK);
        var text = summary.ToJsonString(Readable);
        Assert.Contains("高血圧症", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2型糖尿病", text, StringComparison.Ordinal);
        var labs = summary["entry"]!.AsArray().Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == "Observation").ToList();
        Assert.Equal(5.9m, (decimal)Assert.Single(labs)["valueQuantity"]!["value"]!);

        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + world.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        var rows = audit.AsArray().Select(r => r!["record"]!).Where(r => (string?)r["agent"] == doctorClient.ClientId).ToList();
        Assert.Contains(rows, r => (bool)r["emergency"]! && (string?)r["interaction"] == "$emergency-summary" && (int)r["outcome"]! == 200);
    }

    [Fact]
    public async Task TheRetentionJob_CountsOnADryRun_ThenPurges_KeepingLongTermItems()
    {
        using var world = await SetUpAsync();
        var old = Today.AddYears(-5).AddDays(-1);
        await SubmittedAsync(world.Hospital, world.Patient,
            Lab("gone", Potassium, "カリウム", 4.0m, old), Lab("kept", Potassium, "カリウム", 4.0m, Today),
            Diagnosis("ended", "20055452", "高血圧症", ended: old), Diagnosis("lts", "20058297", "脂質異常症", ended: old, tags: "LTS"));
        // An ended diagnosis beyond retention is not even accepted; the old result is stored (its retention runs from its day).
        var before = await (await Operator.GetAsync($"Observation?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, before["entry"]!.AsArray().Count);

        var dry = await (await Operator.SendAsync(HttpMethod.Post, "$sharing-retention", """{"resourceType":"Parameters","parameter":[{"name":"dryRun","valueBoolean":true}]}""")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(Count(dry, "expired-lab") >= 1);
        Assert.True(Count(dry, "expired-documents") >= 0);
        Assert.Equal(2, (await (await Operator.GetAsync($"Observation?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK))["entry"]!.AsArray().Count);

        await (await Operator.SendAsync(HttpMethod.Post, "$sharing-retention", """{"resourceType":"Parameters","parameter":[{"name":"dryRun","valueBoolean":false}]}""")).ExpectAsync(HttpStatusCode.OK);
        var after = await (await Operator.GetAsync($"Observation?patient=Patient/{world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("kept", (string?)Assert.Single(after["entry"]!.AsArray())!["resource"]!["identifier"]!.AsArray().Last()!["value"]);
        Assert.Equal(["脂質異常症"], (await ItemsAsync(world.Viewer, world.Patient, "diagnosis")).Select(Name));

        await (await world.Viewer.SendAsync(HttpMethod.Post, "$sharing-retention", """{"resourceType":"Parameters","parameter":[{"name":"dryRun","valueBoolean":false}]}""")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteClinicalItemsTests(SqliteServerFixture server) : ClinicalItemsContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresClinicalItemsTests(PostgresServerFixture server) : ClinicalItemsContract(server), IClassFixture<PostgresServerFixture>;
