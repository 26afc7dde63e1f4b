using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Patient/$treatment-history lists surgery, transplant and dialysis lines of claims by their
/// 医科診療行為コード; surgery and transplant lines need the surgery consent besides treatment.
/// </summary>
public abstract class TreatmentHistoryContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static string? Kind(JsonNode entry) => (string?)entry["category"]!["coding"]![0]!["code"];

    private static string? Code(JsonNode entry) => (string?)entry["code"]!["coding"]![0]!["code"];

    /// <summary>A patient with one hospital claim carrying every kind of line, and one clinic claim with dialysis.</summary>
    private async Task<(string Patient, string Hospital, string Eob)> SeedAsync()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurerClient = server.CreateClient(insurer);
        var patient = (string)(await CreatePatientAsync(insurerClient, "診療"))["id"]!;
        var hospital = ServerFixture.NewInstitutionCode(1);
        var eob = await insurerClient.CreateAsync(Eob(patient, insurer.OrganizationCode, hospital, "institutional",
            Proc(1, FirstVisit, "2026-10-01"),
            Proc(2, Surgery, "2026-10-02"),
            Proc(3, Anaesthesia, "2026-10-12"),
            Proc(4, Transplant, "2026-10-12"),
            Proc(5, AddOn, "2026-10-12"),
            Drug(6, Amlodipine, "2026-10-13")).ToJsonString());
        var clinic = Claim("ExplanationOfBenefit", patient, insurer.OrganizationCode, ServerFixture.NewInstitutionCode(1), "professional",
            [new Item(1, [(Procedure, Dialysis)], "2026-11-04")], billable: "2026-11");
        clinic["item"]![0]!.AsObject().Remove("servicedDate");
        clinic["item"]![0]!["servicedPeriod"] = new JsonObject { ["start"] = "2026-11-04", ["end"] = "2026-11-27" };
        await insurerClient.CreateAsync(clinic.ToJsonString());
        return (patient, hospital, "ExplanationOfBenefit/" + (string)eob["id"]!);
    }

    [Fact]
    public async Task TreatmentHistory_ListsSurgeryTransplantAndDialysis_ByProcedureCode()
    {
        var (patient, hospital, eob) = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "treatment", "surgery");

        var bundle = await (await doctor.GetAsync($"Patient/{patient}/$treatment-history")).ExpectAsync(HttpStatusCode.OK);
        var entries = Matches(bundle);

        // First visit, anaesthesia, add-on and drug lines are not treatment history.
        Assert.Equal(["dialysis", "transplant", "surgery"], entries.Select(Kind));
        Assert.Equal([Dialysis, Transplant, Surgery], entries.Select(Code));
        Assert.All(entries, e => Assert.Equal("Procedure", (string?)e["resourceType"]));
        Assert.Equal("2026-11-04", (string?)entries[0]["performedPeriod"]!["start"]);
        Assert.Equal("2026-11-27", (string?)entries[0]["performedPeriod"]!["end"]);
        var transplant = entries[1];
        Assert.Equal("生体腎移植術", (string?)transplant["code"]!["coding"]![0]!["display"]);   // named from the 医科診療行為マスター
        Assert.Equal("2026-10-12", (string?)transplant["performedDateTime"]);
        Assert.Equal(hospital, (string?)transplant["performer"]![0]!["actor"]!["identifier"]!["value"]);
        Assert.Equal([eob], Sources(transplant));
        Assert.DoesNotContain(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");

        var december = Matches(await (await doctor.GetAsync($"Patient/{patient}/$treatment-history?start=2026-11-15")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(["dialysis"], december.Select(Kind));   // a period overlapping the day range counts
    }

    [Fact]
    public async Task TreatmentHistory_WithoutSurgeryConsent_LeavesSurgeryOut_AndSaysSoEvenWhenThereIsNone()
    {
        var (patient, _, _) = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "clinic");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "treatment");

        var bundle = await (await doctor.GetAsync($"Patient/{patient}/$treatment-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["dialysis"], Matches(bundle).Select(Kind));
        var note = Assert.Single(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        Assert.Contains("'surgery'", (string?)note["issue"]![0]!["diagnostics"], StringComparison.Ordinal);

        // The same note for a patient without any surgery: it does not reveal that one exists.
        var other = (string)(await CreatePatientAsync(Operator, "無手術"))["id"]!;
        await TestConsents.GrantAsync(Operator, other, doctorClient.OrganizationCode, "treatment");
        var empty = await (await doctor.GetAsync($"Patient/{other}/$treatment-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Matches(empty));
        Assert.Equal((string?)note["issue"]![0]!["diagnostics"], (string?)empty["entry"]![0]!["resource"]!["issue"]![0]!["diagnostics"]);
    }
}

public sealed class SqliteTreatmentHistoryTests(SqliteServerFixture server) : TreatmentHistoryContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTreatmentHistoryTests(PostgresServerFixture server) : TreatmentHistoryContract(server), IClassFixture<PostgresServerFixture>;
