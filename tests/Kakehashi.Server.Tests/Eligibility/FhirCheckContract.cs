using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>The FHIR form of a check: CoverageEligibilityRequest/$submit answering a CoverageEligibilityResponse.</summary>
public abstract class FhirCheckContract(ServerFixture server)
{
    private HttpClient Admin => server.Client;

    private static string StatusOf(JsonNode response) =>
        (string)response["extension"]!.AsArray().Single(e => (string?)e!["url"] == "http://kakehashi.jp/fhir/StructureDefinition/eligibility-status")!["valueCode"]!;

    [Fact]
    public async Task Submit_ByInsuranceCard_AnswersWithStatusInforceAndContainedQualification()
    {
        var insured = await RegisterAsync(Admin, await CreateInsurerAsync(Admin), copay: 10, limit: "a");
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "clinic"));
        var request = $$$"""
        {"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-10",
         "contained":[{"resourceType":"Patient","id":"p","identifier":[{"system":"{{{MemberSystem}}}","value":"{{{insured.Member}}}"}],"birthDate":"{{{insured.BirthDate}}}"}],
         "patient":{"reference":"#p"},"servicedDate":"2026-01-10","insurer":{"identifier":{"system":"{{{InsurerSystem}}}","value":"{{{insured.Insurer}}}"} } }
        """;

        var response = await (await doctor.SendAsync(HttpMethod.Post, "CoverageEligibilityRequest/$submit", request)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("CoverageEligibilityResponse", (string?)response["resourceType"]);
        Assert.Equal("valid", StatusOf(response));
        Assert.Equal("Patient/" + insured.PatientId, (string?)response["patient"]!["reference"]);
        Assert.True((bool)response["insurance"]![0]!["inforce"]!);
        Assert.Equal(10, (int)response["insurance"]![0]!["item"]![0]!["benefit"]![0]!["allowedUnsignedInt"]!);
        var contained = response["contained"]![0]!;
        Assert.Equal(insured.Member, (string?)contained["identifier"]![0]!["value"]);
        Assert.DoesNotContain("coverage-limit-category", contained.ToJsonString(), StringComparison.Ordinal);
        var audit = await (await Admin.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + insured.PatientId)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), e => (string?)e!["record"]!["interaction"] == "$submit");
    }

    [Fact]
    public async Task Submit_ByCardWithConsent_RecordsTheConsent()
    {
        var insured = await RegisterAsync(Admin, await CreateInsurerAsync(Admin), limit: "teishotoku-1");
        var card = TestCards.Issue();
        await LinkCardAsync(Admin, insured, card);
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "pharmacy"));
        var request = $$$"""
        {"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-10",
         "extension":[
           {"url":"http://kakehashi.jp/fhir/StructureDefinition/card-certificate","valueBase64Binary":"{{{card.CertificateBase64}}}"},
           {"url":"http://kakehashi.jp/fhir/StructureDefinition/card-reader-consent","extension":[
             {"url":"category","valueCode":"limit-certificate"},{"url":"category","valueCode":"checkup"}]}],
         "patient":{"display":"カード利用者"},"insurer":{"display":"?"}}
        """;

        var response = await (await clerk.SendAsync(HttpMethod.Post, "CoverageEligibilityRequest/$submit", request)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("valid", StatusOf(response));
        Assert.Contains("teishotoku-1", response["contained"]![0]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(Admin, $"Consent?patient=Patient/{insured.PatientId}"));
    }

    [Fact]
    public async Task Submit_WithoutCardOrInsuredPatient_Is400()
    {
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var request = """{"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-10","patient":{"reference":"Patient/x"},"insurer":{"display":"?"}}""";

        var message = await (await clerk.SendAsync(HttpMethod.Post, "CoverageEligibilityRequest/$submit", request)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        Assert.Contains("contained Patient", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ByInsurerStaff_Is403()
    {
        using var insurer = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        var request = """{"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-10","patient":{"reference":"Patient/x"},"insurer":{"display":"?"}}""";

        await (await insurer.SendAsync(HttpMethod.Post, "CoverageEligibilityRequest/$submit", request)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteFhirCheckTests(SqliteServerFixture server) : FhirCheckContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresFhirCheckTests(PostgresServerFixture server) : FhirCheckContract(server), IClassFixture<PostgresServerFixture>;
