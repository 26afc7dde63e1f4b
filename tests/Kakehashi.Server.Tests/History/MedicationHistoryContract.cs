using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Patient/$medication-history: one entry per dispensing, from claims and from dispensing
/// records, a claim line and a dispensing record of the same dispensing merged into one.
/// </summary>
public abstract class MedicationHistoryContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private sealed record World(string Patient, string Insurer, HttpClient InsurerClient, string Pharmacy, HttpClient PharmacyClient, HttpClient Doctor) : IDisposable
    {
        public void Dispose()
        {
            InsurerClient.Dispose();
            PharmacyClient.Dispose();
            Doctor.Dispose();
        }
    }

    /// <summary>A patient, an insurer, a pharmacy that dispenses, and a hospital doctor with the patient's medication consent.</summary>
    private async Task<World> SetUpAsync()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        var insurerClient = server.CreateClient(insurer);
        var patient = (string)(await CreatePatientAsync(insurerClient, "薬歴"))["id"]!;
        var pharmacy = await server.RegisterClientAsync("pharmacist", "pharmacy");
        var doctor = await server.RegisterClientAsync("doctor", "hospital");
        await TestConsents.GrantAsync(Operator, patient, doctor.OrganizationCode, "medication");
        return new World(patient, insurer.OrganizationCode, insurerClient, pharmacy.OrganizationCode, server.CreateClient(pharmacy), server.CreateClient(doctor));
    }

    private static async Task<List<JsonNode>> HistoryAsync(HttpClient client, string patient, string query = "")
    {
        var bundle = await (await client.GetAsync($"Patient/{patient}/$medication-history{query}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("searchset", (string?)bundle["type"]);
        var matches = Matches(bundle);
        Assert.Equal(matches.Count, (int)bundle["total"]!);
        return matches;
    }

    private static string? DrugCode(JsonNode entry) => (string?)entry["medicationCodeableConcept"]!["coding"]![0]!["code"];

    [Fact]
    public async Task MedicationHistory_MergesTheClaimLineAndTheDispensingRecordOfOneDispensing()
    {
        using var world = await SetUpAsync();
        // 01:30 in Tokyo on 20 October is still 19 October in UTC: the same day as the claim's.
        var dispensed = await world.PharmacyClient.CreateAsync(Dispense(world.Patient, world.Pharmacy, Carbocisteine, "2026-10-19T16:30:00Z", "カルボシステイン錠２５０ｍｇ").ToJsonString());
        var onlyDispensed = await world.PharmacyClient.CreateAsync(Dispense(world.Patient, world.Pharmacy, Metformin, "2026-10-25T10:00:00+09:00", "メトホルミン").ToJsonString());
        var claim = await world.InsurerClient.CreateAsync(Eob(world.Patient, world.Insurer, world.Pharmacy, "pharmacy",
            Drug(1, [Carbocisteine[0]], "2026-10-20", 21),
            Drug(2, Amlodipine, "2026-10-20", 14)).ToJsonString());
        var eob = "ExplanationOfBenefit/" + (string)claim["id"]!;

        var history = await HistoryAsync(world.Doctor, world.Patient);

        Assert.Equal(3, history.Count);
        var metformin = history[0];
        Assert.Equal("3962002F1038", DrugCode(metformin));
        Assert.Equal(["dispensing"], Tags(metformin));
        Assert.Equal(["MedicationDispense/" + (string)onlyDispensed["id"]!], Sources(metformin));

        var merged = Assert.Single(history, e => DrugCode(e) == "2233002F1280");
        Assert.Equal(["claim", "dispensing"], Tags(merged));
        Assert.Equal([eob, "MedicationDispense/" + (string)dispensed["id"]!], Sources(merged));
        Assert.Equal("１日３回毎食後 １回１錠 ７日分", (string?)merged["dosageInstruction"]![0]!["text"]);   // the dispensing record's detail is kept

        var claimOnly = Assert.Single(history, e => DrugCode(e) == "2171022F1023");
        Assert.Equal(["claim"], Tags(claimOnly));
        Assert.Equal([eob], Sources(claimOnly));
        Assert.Equal("2026-10-20", (string?)claimOnly["whenHandedOver"]);
        Assert.Equal(world.Pharmacy, (string?)claimOnly["performer"]![0]!["actor"]!["identifier"]!["value"]);
        Assert.Equal(14m, (decimal)claimOnly["quantity"]!["value"]!);
        Assert.Equal("Patient/" + world.Patient, (string?)claimOnly["subject"]!["reference"]);
    }

    [Fact]
    public async Task MedicationHistory_KeepsDispensingsApart_WhenInstitutionDayOrDrugDiffer()
    {
        using var world = await SetUpAsync();
        var otherPharmacy = ServerFixture.NewInstitutionCode(4);
        await world.PharmacyClient.CreateAsync(Dispense(world.Patient, world.Pharmacy, Carbocisteine, "2026-10-06T10:00:00+09:00").ToJsonString());
        await world.InsurerClient.CreateAsync(Eob(world.Patient, world.Insurer, world.Pharmacy, "pharmacy",
            Drug(1, Carbocisteine, "2026-10-07"),   // another day
            Drug(2, Amlodipine, "2026-10-06")).ToJsonString());  // another drug
        await world.InsurerClient.CreateAsync(Eob(world.Patient, world.Insurer, otherPharmacy, "pharmacy",
            Drug(1, Carbocisteine, "2026-10-06")).ToJsonString());  // another pharmacy

        var history = await HistoryAsync(world.Doctor, world.Patient);

        Assert.Equal(4, history.Count);
        Assert.Single(history, e => Tags(e).SequenceEqual(["dispensing"]));
        Assert.Equal(3, history.Count(e => Tags(e).SequenceEqual(["claim"])));
        Assert.Equal(["2026-10-07", "2026-10-06", "2026-10-06", "2026-10-06"], history.Select(e => ((string?)e["whenHandedOver"])![..10]));
    }

    [Fact]
    public async Task MedicationHistory_CountsAnAdjudicatedClaimOnce_AndLeavesOutInactiveClaims()
    {
        using var world = await SetUpAsync();
        var claim = await world.InsurerClient.CreateAsync(Claim("Claim", world.Patient, world.Insurer, world.Pharmacy, "pharmacy", [Drug(1, Amlodipine, "2026-10-08")]).ToJsonString());
        await world.InsurerClient.CreateAsync(Claim("ExplanationOfBenefit", world.Patient, world.Insurer, world.Pharmacy, "pharmacy",
            [Drug(1, Amlodipine, "2026-10-08")], claim: "Claim/" + (string)claim["id"]!).ToJsonString());
        await world.InsurerClient.CreateAsync(Claim("ExplanationOfBenefit", world.Patient, world.Insurer, world.Pharmacy, "pharmacy",
            [Drug(1, Metformin, "2026-10-09")], status: "entered-in-error").ToJsonString());

        var history = await HistoryAsync(world.Doctor, world.Patient);

        var only = Assert.Single(history);
        Assert.StartsWith("ExplanationOfBenefit/", Sources(only)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MedicationHistory_StartAndEnd_SelectDaysInJapanTime()
    {
        using var world = await SetUpAsync();
        await world.InsurerClient.CreateAsync(Claim("ExplanationOfBenefit", world.Patient, world.Insurer, world.Pharmacy, "pharmacy", [Drug(1, Amlodipine, "2026-09-30")], billable: "2026-09").ToJsonString());
        await world.InsurerClient.CreateAsync(Eob(world.Patient, world.Insurer, world.Pharmacy, "pharmacy", Drug(1, Metformin, "2026-10-01")).ToJsonString());
        // 23:30 UTC on 30 September is 1 October in Tokyo.
        await world.PharmacyClient.CreateAsync(Dispense(world.Patient, world.Pharmacy, Carbocisteine, "2026-09-30T23:30:00Z").ToJsonString());

        var october = await HistoryAsync(world.Doctor, world.Patient, "?start=2026-10&end=2026-10");
        Assert.Equal(["2233002F1280", "3962002F1038"], october.Select(DrugCode).Order());
        var september = await HistoryAsync(world.Doctor, world.Patient, "?end=2026-09-30");
        Assert.Equal(["2171022F1023"], september.Select(DrugCode));

        var bad = await (await world.Doctor.GetAsync($"Patient/{world.Patient}/$medication-history?start=October")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains("start", bad, StringComparison.Ordinal);
        await (await world.Doctor.GetAsync($"Patient/{world.Patient}/$medication-history?since=2026")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await world.Doctor.GetAsync($"Patient/{Guid.NewGuid()}/$medication-history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteMedicationHistoryTests(SqliteServerFixture server) : MedicationHistoryContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMedicationHistoryTests(PostgresServerFixture server) : MedicationHistoryContract(server), IClassFixture<PostgresServerFixture>;
