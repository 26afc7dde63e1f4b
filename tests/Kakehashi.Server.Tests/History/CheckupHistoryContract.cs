using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Insurers register specific health checkup results (eCheckupReport documents) with
/// Patient/$submit-checkup; Patient/$checkup-history shows them across the years.
/// </summary>
public abstract class CheckupHistoryContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static List<string?> Expressions(JsonNode outcome) =>
        [.. outcome["issue"]!.AsArray().Select(i => (string?)i!["expression"]?[0])];

    private async Task<(string Patient, TestSystemClient Insurer, HttpClient Client)> SetUpAsync()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        var client = server.CreateClient(insurer);
        // An insurer registers its insured person, then the results: the qualification comes first.
        var patient = (string)(await CreatePatientAsync(client, "健診"))["id"]!;
        await client.CreateAsync(Qualification(patient, insurer.OrganizationCode, "記号", Unique("Q"), "00"));
        return (patient, insurer, client);
    }

    private static async Task<JsonNode> SubmitAsync(HttpClient client, string patient, JsonNode document, HttpStatusCode expected) =>
        await (await client.SendAsync(HttpMethod.Post, patient.Length == 0 ? "Patient/$submit-checkup" : $"Patient/{patient}/$submit-checkup", document.ToJsonString())).ExpectAsync(expected);

    private static JsonNode? Parameter(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().First(p => (string?)p!["name"] == name);

    [Fact]
    public async Task CheckupHistory_ShowsEachYearsCheckup_NewestFirst_AndACorrectionReplacesItsReport()
    {
        var (patient, insurer, client) = await SetUpAsync();
        using var http = client;
        var institution = ServerFixture.NewInstitutionCode(1);
        var first = await SubmitAsync(client, patient, CheckupDocument("D-" + patient + "-2024", "2024-06-10", institution, insurer.OrganizationCode,
            Height(170.2m), HbA1c(6.1m), Metabolic("3", "非該当")), HttpStatusCode.Created);
        Assert.Equal("2024-06-10", (string?)Parameter(first, "checkupDate")!["valueDate"]);
        Assert.Equal(3, (int)Parameter(first, "observations")!["valueInteger"]!);
        await SubmitAsync(client, patient, CheckupDocument("D-" + patient + "-2025", "2025-06-12", institution, insurer.OrganizationCode, Height(170.0m), HbA1c(6.6m)), HttpStatusCode.Created);
        // The 2025 report is corrected: same document identifier, HbA1c re-measured.
        var corrected = await SubmitAsync(client, patient, CheckupDocument("D-" + patient + "-2025", "2025-06-12", institution, insurer.OrganizationCode, Height(170.0m), HbA1c(6.4m)), HttpStatusCode.OK);
        Assert.True((bool)Parameter(corrected, "replaced")!["valueBoolean"]!);

        var doctorClient = await server.RegisterClientAsync("doctor", "clinic");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "checkup");
        var bundle = await (await doctor.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.OK);
        var entries = Matches(bundle);

        var reports = entries.Where(e => (string?)e["resourceType"] == "DiagnosticReport").ToList();
        Assert.Equal(["2025-06-12", "2024-06-10"], reports.Select(r => (string?)r["effectiveDateTime"]));
        Assert.Equal(5, entries.Count(e => (string?)e["resourceType"] == "Observation"));
        Assert.Equal(institution, (string?)reports[0]["performer"]![0]!["identifier"]!["value"]);
        Assert.Equal("D-" + patient + "-2025", (string?)reports[0]["identifier"]![0]!["value"]);

        // Each report's results follow it and are what it lists; they belong to the platform's patient.
        var fullUrls = bundle["entry"]!.AsArray().ToDictionary(e => (string)e!["fullUrl"]!, e => e!["resource"]!);
        var latest = reports[0]["result"]!.AsArray().Select(r => fullUrls[(string)r!["reference"]!]).ToList();
        Assert.Equal([170.0m, 6.4m], latest.Select(o => (decimal)o["valueQuantity"]!["value"]!));
        Assert.All(latest, o => Assert.Equal("Patient/" + patient, (string?)o["subject"]!["reference"]));
        Assert.All(latest, o => Assert.Null((string?)o["performer"]![0]!["reference"]));
        Assert.All(latest, o => Assert.Equal("テスト健診センター", (string?)o["performer"]![0]!["display"]));

        // HbA1c across the years.
        var hba1c = Matches(await (await doctor.GetAsync($"Patient/{patient}/$checkup-history?code={Uri.EscapeDataString(CheckupItem + "|3D046000001906202")}")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal([6.4m, 6.1m], hba1c.Where(e => (string?)e["resourceType"] == "Observation").Select(o => (decimal)o["valueQuantity"]!["value"]!));
        var only2024 = Matches(await (await doctor.GetAsync($"Patient/{patient}/$checkup-history?start=2024&end=2024")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal("2024-06-10", (string?)Assert.Single(only2024, e => (string?)e["resourceType"] == "DiagnosticReport")!["effectiveDateTime"]);
    }

    [Fact]
    public async Task SubmitCheckup_RefusesADocumentOutsideTheGuide_NamingEachProblem_AndStoresNothing()
    {
        var (patient, insurer, client) = await SetUpAsync();
        using var http = client;
        var institution = ServerFixture.NewInstitutionCode(1);

        var document = CheckupDocument("D-" + patient, "2025-05-01", institution, insurer.OrganizationCode, Height(160m), HbA1c(5.6m));
        document["type"] = "collection";
        document["entry"]![0]!["resource"]!["type"]!["coding"]![0]!["code"] = "18842-5";
        var observations = document["entry"]!.AsArray().Select((e, i) => (Index: i, Resource: e!["resource"]!)).Where(e => (string?)e.Resource["resourceType"] == "Observation").ToList();
        observations[0].Resource["code"]!["coding"]![0]!["code"] = "9N999999999999999";
        observations[1].Resource.AsObject().Remove("valueQuantity");

        var outcome = await SubmitAsync(client, patient, document, HttpStatusCode.UnprocessableEntity);
        var expressions = Expressions(outcome);
        Assert.Contains("Bundle.type", expressions);
        Assert.Contains("Bundle.entry[0].resource.type", expressions);
        Assert.Contains($"Bundle.entry[{observations[1].Index}].resource.value[x]", expressions);

        // Structure right, but an item code the guide does not have and a birth date that is not the patient's.
        var wrongPerson = CheckupDocument("D2-" + patient, "2025-05-01", institution, insurer.OrganizationCode, "1980-02-29", Height(160m), new Result("9N999999999999999", new JsonObject { ["valueString"] = "x" }));
        var second = Expressions(await SubmitAsync(client, patient, wrongPerson, HttpStatusCode.UnprocessableEntity));
        Assert.Contains("Bundle.entry[1].resource.birthDate", second);
        Assert.Contains(second, e => e!.EndsWith("].resource.code.coding[0].code", StringComparison.Ordinal));

        await (await client.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-checkup", ParametersWithoutDocument)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        var history = await (await Operator.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Matches(history));
    }

    [Fact]
    public async Task SubmitCheckup_IsForInsurers_OfTheirOwnInsured()
    {
        var (patient, insurer, client) = await SetUpAsync();
        using var http = client;
        var institution = ServerFixture.NewInstitutionCode(1);
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await SubmitAsync(doctor, patient, CheckupDocument("D-" + patient, "2025-05-01", institution, insurer.OrganizationCode, Height(160m)), HttpStatusCode.Forbidden);

        var other = (await server.RegisterClientAsync("insurer-staff", "insurer")).OrganizationCode;
        var outcome = await SubmitAsync(client, patient, CheckupDocument("D-" + patient, "2025-05-01", institution, other, Height(160m)), HttpStatusCode.Forbidden);
        Assert.Contains(other, (string?)outcome["issue"]![0]!["diagnostics"], StringComparison.Ordinal);

        await SubmitAsync(client, Guid.NewGuid().ToString(), CheckupDocument("D-x", "2025-05-01", institution, insurer.OrganizationCode, Height(160m)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SubmitCheckup_WithoutAPatientId_FindsThePersonByTheDocumentsInsuredNumber()
    {
        var (patient, insurer, client) = await SetUpAsync();
        using var http = client;
        var number = Unique("N");
        await client.CreateAsync(Qualification(patient, insurer.OrganizationCode, "記号", number, "01"));
        var institution = ServerFixture.NewInstitutionCode(1);

        var answer = await SubmitAsync(client, "", WithInsuredPerson(CheckupDocument("T-" + patient, "2025-07-01", institution, insurer.OrganizationCode, HbA1c(5.8m)), "記号", number, "01"), HttpStatusCode.Created);

        Assert.Equal("Patient/" + patient, (string?)Parameter(answer, "patient")!["valueReference"]!["reference"]);
        var history = await (await Operator.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(Matches(history), r => (string?)r["resourceType"] == "DiagnosticReport");

        // Nobody holds the number; the document names no insured person; the number is another insurer's.
        var unknown = await SubmitAsync(client, "", WithInsuredPerson(CheckupDocument("U-" + patient, "2025-07-01", institution, insurer.OrganizationCode, HbA1c(5.8m)), "記号", Unique("X"), "01"), HttpStatusCode.UnprocessableEntity);
        Assert.Matches(@"^Bundle\.entry\[\d+\]\.resource$", (string?)unknown["issue"]![0]!["expression"]![0]);
        await SubmitAsync(client, "", CheckupDocument("V-" + patient, "2025-07-01", institution, insurer.OrganizationCode, HbA1c(5.8m)), HttpStatusCode.UnprocessableEntity);
        var other = (await server.RegisterClientAsync("insurer-staff", "insurer")).OrganizationCode;
        await SubmitAsync(client, "", WithInsuredPerson(CheckupDocument("W-" + patient, "2025-07-01", institution, other, HbA1c(5.8m)), "記号", number, "01"), HttpStatusCode.Forbidden);
        Assert.Single(Matches(await (await Operator.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.OK)), r => (string?)r["resourceType"] == "DiagnosticReport");
    }

    [Fact]
    public async Task SubmitCheckup_RefusesADocumentWhoseInsuredNumberIsAnotherPatients()
    {
        var (patient, insurer, client) = await SetUpAsync();
        using var http = client;
        var someoneElse = (string)(await CreatePatientAsync(client, "別人"))["id"]!;
        var number = Unique("N");
        await client.CreateAsync(Qualification(someoneElse, insurer.OrganizationCode, "記号", number, "01"));
        await client.CreateAsync(Qualification(patient, insurer.OrganizationCode, "記号", number, "02"));
        var institution = ServerFixture.NewInstitutionCode(1);

        var wrong = WithInsuredPerson(CheckupDocument("W-" + patient, "2025-05-01", institution, insurer.OrganizationCode, Height(160m)), "記号", number, "01");
        var outcome = await SubmitAsync(client, patient, wrong, HttpStatusCode.UnprocessableEntity);
        var issue = outcome["issue"]!.AsArray().Single(i => ((string?)i!["diagnostics"])!.Contains("another patient", StringComparison.Ordinal))!;
        Assert.Matches(@"^Bundle\.entry\[\d+\]\.resource$", (string?)issue["expression"]![0]);

        // Full-width digits on the document are the same number (NFKC), and this one is the patient's.
        var fullWidthBranch = WithInsuredPerson(CheckupDocument("R-" + patient, "2025-05-01", institution, insurer.OrganizationCode, Height(160m)), "記号", number, "０２");
        await SubmitAsync(client, patient, fullWidthBranch, HttpStatusCode.Created);
    }
}

public sealed class SqliteCheckupHistoryTests(SqliteServerFixture server) : CheckupHistoryContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCheckupHistoryTests(PostgresServerFixture server) : CheckupHistoryContract(server), IClassFixture<PostgresServerFixture>;
