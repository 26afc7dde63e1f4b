using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.History;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Prescriptions.PrescriptionData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// 重複投薬等チェック through the HTTP API: a duplicate is the same ingredient by the same route; a
/// contraindication is a 併用禁忌 pair of the master; courses run for their days (14 for external
/// use and as-needed), by the day in Japan; the caller's own institution is left out unless it opted
/// in; inpatient records never count; a drug outside the master is said to be unchecked; without
/// viewing consent the answer says only that something was found; a master update answers the next check.
/// </summary>
public abstract class MedicationCheckContract(ServerFixture server, ShiftedPrescriptionClock clock) : PrescriptionScenario(server, clock)
{
    private static string Today(ShiftedPrescriptionClock clock, int plusDays = 0) =>
        clock.Today.AddDays(plusDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T10:00:00+09:00";

    /// <summary>A dispensing record another pharmacy's system wrote through the FHIR API.</summary>
    private static Task<JsonNode> DispensedAsync(HttpClient pharmacy, string pharmacyCode, string patient, Drug drug, int days, string whenHandedOver, bool inpatient = false)
    {
        var dispense = HistoryFixtures.Dispense(patient, pharmacyCode, [(Yj, drug.Code)], whenHandedOver, drug.Name);
        dispense["daysSupply"]!["value"] = days;
        if (inpatient)
        {
            dispense["category"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category", ["code"] = "inpatient" }) };
        }

        return pharmacy.CreateAsync(dispense.ToJsonString());
    }

    private static async Task<JsonNode> CheckAsync(HttpClient client, JsonObject draft, string? patient = null) =>
        await (await PostJsonAsync(client, "/prescriptions/check" + (patient is null ? "" : "?patient=" + patient), draft.ToJsonString())).ExpectAsync(HttpStatusCode.OK);

    private static List<JsonNode> Issues(JsonNode check) =>
        [.. check["issues"]!["entry"]!.AsArray().Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == "DetectedIssue")];

    [Fact]
    public async Task Check_SameIngredientSameRoute_IsADuplicate_NamingTheDrugAndPharmacy_WithConsent()
    {
        using var world = await SetUpAsync();
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.Hospital, "medication");
        var dispensed = await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Loxonin, 7, Today(Clock));

        var check = await CheckAsync(world.Doctor, world.Document(new Line(LoxoprofenGeneric, 7), new Line(LoxoprofenGel, 14)));
        Assert.True((bool)check["disclosed"]!);
        Assert.Equal(1, (int)check["duplicates"]!);
        var issue = Assert.Single(Issues(check));
        Assert.Equal("duplicate", (string?)issue["code"]!["coding"]![0]!["code"]);
        Assert.Equal("DUPTHPY", (string?)issue["code"]!["coding"]![1]!["code"]);
        Assert.Equal("preliminary", (string?)issue["status"]);
        Assert.Contains("ロキソプロフェン", (string?)issue["detail"], StringComparison.Ordinal);
        var implicated = issue["implicated"]!.AsArray();
        Assert.Equal("MedicationDispense/" + (string)dispensed["id"]!, (string?)implicated[1]!["reference"]);
        Assert.Equal(world.PharmacyCode, (string?)implicated[1]!["extension"]![0]!["valueIdentifier"]!["value"]);
        // The version in force answered (the shipped one, or one a test of this server loaded).
        Assert.False(string.IsNullOrEmpty((string?)check["masterVersion"]));
        Assert.Equal((string?)check["masterVersion"], (string?)issue["meta"]!["tag"]![0]!["code"]);
    }

    [Fact]
    public async Task Check_WithoutViewingConsent_SaysOnlyThatSomethingWasFound()
    {
        using var world = await SetUpAsync();
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Itraconazole, 14, Today(Clock));
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Loxonin, 7, Today(Clock));

        var response = await PostJsonAsync(world.Doctor, "/prescriptions/check", world.Document(new Line(Triazolam, 7), new Line(LoxoprofenGeneric, 7)).ToJsonString());
        var text = await response.Content.ReadAsStringAsync();
        var check = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)check["disclosed"]!);
        Assert.Equal(1, (int)check["duplicates"]!);
        Assert.Equal(1, (int)check["contraindications"]!);
        Assert.All(Issues(check), i => Assert.Null(i["implicated"]));
        foreach (var secret in new[] { "イトラコナゾール", "イトリゾール", "ロキソニン", world.PharmacyCode, "MedicationDispense/" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Check_ContraindicatedPair_AgainstARunningCourse_AndWithinTheDraft()
    {
        using var world = await SetUpAsync();
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.Hospital, "medication");
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Itraconazole, 14, Today(Clock));

        var check = await CheckAsync(world.Doctor, world.Document(new Line(Triazolam, 7)));
        var issue = Assert.Single(Issues(check));
        Assert.Equal("contraindication", (string?)issue["code"]!["coding"]![0]!["code"]);
        Assert.Equal("high", (string?)issue["severity"]);
        Assert.Contains("併用禁忌", (string?)issue["detail"], StringComparison.Ordinal);
        Assert.Contains("添付文書", (string?)issue["detail"], StringComparison.Ordinal);

        var fresh = await SetUpAsync();
        using var _ = fresh;
        var withinDraft = await CheckAsync(fresh.Doctor, fresh.Document(new Line(Itraconazole, 7), new Line(Triazolam, 7)));
        Assert.Equal(1, (int)withinDraft["contraindications"]!);
        Assert.Equal(0, (int)withinDraft["duplicates"]!);
    }

    [Fact]
    public async Task Check_CoursesEndOnTheirLastDay_ExternalUseCountsFourteenDays()
    {
        using var world = await SetUpAsync();
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.Hospital, "medication");
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Loxonin, 7, Today(Clock));
        // A gel for 30 days still counts 14: its course cannot be computed.
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, LoxoprofenGel, 30, Today(Clock));
        var draft = world.Document(new Line(LoxoprofenGeneric, 7), new Line(LoxoprofenGel, 7));
        try
        {
            Clock.Shift = TimeSpan.FromDays(6);
            Assert.Equal(2, (int)(await CheckAsync(world.Doctor, draft))["duplicates"]!);
            Clock.Shift = TimeSpan.FromDays(7);
            var afterOral = await CheckAsync(world.Doctor, draft);
            Assert.Equal(1, (int)afterOral["duplicates"]!);
            Assert.Contains("ゲル", (string?)Issues(afterOral)[0]["detail"], StringComparison.Ordinal);
            Clock.Shift = TimeSpan.FromDays(13);
            Assert.Equal(1, (int)(await CheckAsync(world.Doctor, draft))["duplicates"]!);
            Clock.Shift = TimeSpan.FromDays(14);
            Assert.Equal(0, (int)(await CheckAsync(world.Doctor, draft))["duplicates"]!);
        }
        finally
        {
            Clock.Shift = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Check_LeavesOutTheCallersOwnInstitutionUnlessItOptsIn_AndInpatientRecords()
    {
        using var world = await SetUpAsync();
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.PharmacyCode, "medication");
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.OtherPharmacyCode, "medication");
        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Loxonin, 7, Today(Clock));
        await DispensedAsync(world.OtherPharmacy, world.OtherPharmacyCode, world.Patient, Amlodipine, 28, Today(Clock), inpatient: true);
        var draft = world.Document(new Line(LoxoprofenGeneric, 7), new Line(Amlodipine, 28));

        Assert.Equal(0, (int)(await CheckAsync(world.Pharmacy, draft, world.Patient))["duplicates"]!);
        var byOther = await CheckAsync(world.OtherPharmacy, draft, world.Patient);
        Assert.Equal(1, (int)byOther["duplicates"]!);
        Assert.Contains("ロキソ", (string?)Issues(byOther)[0]["detail"], StringComparison.Ordinal);

        // The pharmacy's security administrator opts in: its own records are checked too.
        var admin = new TestSystemClient(Unique("sec"), world.PharmacyCode, "security-admin", "system/*.cruds");
        await (await Server.Client.PostAsJsonAsync("/admin/clients", new { clientId = admin.ClientId, organizationCode = world.PharmacyCode, role = "security-admin", jwks = admin.Jwks, scopes = admin.Scopes })).ExpectAsync(HttpStatusCode.Created);
        using var adminClient = Server.CreateClient(admin);
        await (await adminClient.SendAsync(HttpMethod.Put, "/prescriptions/settings", "{\"checkOwnRecords\":true}", mediaType: "application/json")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)(await CheckAsync(world.Pharmacy, draft, world.Patient))["duplicates"]!);
    }

    [Fact]
    public async Task Check_NamesTheInstitutionThatWroteTheDispensing_NotTheOneItsPerformerClaims()
    {
        using var world = await SetUpAsync();
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.OtherPharmacyCode, "medication");
        // The first pharmacy's record claims the second pharmacy dispensed it: it would hide from the
        // second pharmacy's check as "its own" and blame it in everyone else's.
        await DispensedAsync(world.Pharmacy, world.OtherPharmacyCode, world.Patient, Loxonin, 7, Today(Clock));

        var check = await CheckAsync(world.OtherPharmacy, world.Document(new Line(LoxoprofenGeneric, 7)), world.Patient);
        Assert.Equal(1, (int)check["duplicates"]!);
        var implicated = Assert.Single(Issues(check))["implicated"]!.AsArray();
        Assert.Equal(world.PharmacyCode, (string?)implicated[1]!["extension"]![0]!["valueIdentifier"]!["value"]);
    }

    [Fact]
    public async Task Check_DrugOutsideTheMaster_IsListedAsNotChecked()
    {
        using var world = await SetUpAsync();
        var check = await CheckAsync(world.Doctor, world.Document(new Line(Unknown, 7), new Line(Amlodipine, 28)));
        Assert.Equal(1, (int)check["unchecked"]!);
        var outcome = check["issues"]!["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "OperationOutcome");
        Assert.Contains("9999999X9999", (string?)outcome["issue"]![0]!["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ByAClerk_IsForbidden_AndRegistrationAnswersTheFinalCheck()
    {
        using var world = await SetUpAsync();
        var clerk = await Server.RegisterClientAsync("clerk", "hospital");
        using var clerkClient = Server.CreateClient(clerk);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostJsonAsync(clerkClient, "/prescriptions/check", world.Document(new Line(Amlodipine, 28)).ToJsonString())).StatusCode);

        await DispensedAsync(world.Pharmacy, world.PharmacyCode, world.Patient, Amlodipine, 28, Today(Clock));
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        Assert.Equal(1, (int)registered["check"]!["duplicates"]!);
        Assert.Equal("final", (string?)Issues(registered["check"]!)[0]["status"]);

        // A registered prescription is a running course too: the next prescriber sees it.
        var otherDoctor = await Server.RegisterClientAsync("doctor", "clinic");
        using var other = Server.CreateClient(otherDoctor);
        Assert.Equal(2, (int)(await CheckAsync(other, world.Document(new Line(Amlodipine, 28))))["duplicates"]!);
    }

    [Fact]
    public async Task Check_AfterAMasterUpdate_AnswersWithTheNewVersion()
    {
        using var world = await SetUpAsync();
        var draft = world.Document(new Line(Amlodipine, 28));
        var before = await CheckAsync(world.Doctor, draft);
        Assert.Equal(0, (int)before["unchecked"]!);

        // The operator loads a list in which ノルバスク is no longer listed (a product withdrawn from the price list).
        var csv = ReadShippedList().Where(l => !l.Contains(Amlodipine.Code, StringComparison.Ordinal));
        using var content = new StringContent(string.Join("\n", csv) + "\n", System.Text.Encoding.UTF8, "text/csv");
        var version = "test-" + Guid.NewGuid().ToString("N")[..8];
        await (await Server.Client.PostAsync($"/prescriptions/drug-master?version={version}&publishedOn=2026-12-01", content)).ExpectAsync(HttpStatusCode.Created);

        var after = await CheckAsync(world.Doctor, draft);
        Assert.Equal(version, (string?)after["masterVersion"]);
        Assert.Equal(1, (int)after["unchecked"]!);
        var master = await (await world.Doctor.GetAsync("/prescriptions/drug-master")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(version, (string?)master["version"]);
        Assert.Equal("出典：厚生労働省ホームページ（薬価基準収載品目リスト）", (string?)master["attribution"]);

        // A list that is not in the published layout is refused, and the version in force stays.
        using var bad = new StringContent("code,name\n1,x\n", System.Text.Encoding.UTF8, "text/csv");
        await (await Server.Client.PostAsync("/prescriptions/drug-master?version=broken&publishedOn=2026-12-02", bad)).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(version, (string?)(await CheckAsync(world.Doctor, draft))["masterVersion"]);
    }

    private static string[] ReadShippedList()
    {
        using var stream = typeof(Kakehashi.Platform.Prescriptions.DrugMasterProvider).Assembly.GetManifestResourceStream(
            typeof(Kakehashi.Platform.Prescriptions.DrugMasterProvider).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("mhlw-yakka-20250716.csv.gz", StringComparison.Ordinal)))!;
        using var unzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(unzip);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

public sealed class SqliteMedicationCheckTests(PrescriptionSqliteFixture server) : MedicationCheckContract(server, server.Clock), IClassFixture<PrescriptionSqliteFixture>;

public sealed class PostgresMedicationCheckTests(PrescriptionPostgresFixture server) : MedicationCheckContract(server, server.Clock), IClassFixture<PrescriptionPostgresFixture>;
