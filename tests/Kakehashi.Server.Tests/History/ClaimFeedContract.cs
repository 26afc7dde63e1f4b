using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Insurers register claims (Claim / ExplanationOfBenefit) in the documented subset; anything
/// outside it is refused with 422 naming every offending element, and nothing is stored.
/// </summary>
public abstract class ClaimFeedContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static List<string?> Expressions(JsonNode outcome) =>
        [.. outcome["issue"]!.AsArray().Select(i => (string?)i!["expression"]?[0])];

    private async Task<(TestSystemClient Insurer, HttpClient Client, string Patient, string Pharmacy)> SetUpAsync()
    {
        // An insurer registers claims for the persons it insures (and so registered, or sees).
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        var client = server.CreateClient(insurer);
        var patient = (string)(await CreatePatientAsync(client, "請求"))["id"]!;
        return (insurer, client, patient, ServerFixture.NewInstitutionCode(4));
    }

    [Fact]
    public async Task Feed_AcceptsAClaimInTheSubset_AndTheInsurerReadsItBack()
    {
        var (insurer, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        var created = await client.CreateAsync(Eob(patient, insurer.OrganizationCode, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05"), Proc(2, FirstVisit, "2026-10-05")).ToJsonString());

        var read = await (await client.GetAsync($"ExplanationOfBenefit?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)created["id"], (string?)read["entry"]![0]!["resource"]!["id"]);
    }

    [Fact]
    public async Task Feed_RefusesEveryDepartureFromTheSubset_NamingEachElement_AndStoresNothing()
    {
        var (insurer, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        var bad = Eob(patient, "06123450", "1312345670", "pharmacy",
            new Item(1, [("urn:test:house-code", "A-1")], "2026-10-05"),
            Drug(2, [(Yj, "not-a-yj")], "2026-10-05"),
            Drug(3, Carbocisteine, "2026-11-02"),
            Proc(4, "150000010", "2026-10-05"),
            new Item(4, [(Procedure, FirstVisit)], "2026-10-06"));
        bad["type"] = new JsonObject { ["text"] = "調剤" };

        var outcome = await (await client.SendAsync(HttpMethod.Post, "ExplanationOfBenefit", bad.ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var expressions = Expressions(outcome);
        Assert.Contains("ExplanationOfBenefit.type", expressions);
        Assert.Contains("ExplanationOfBenefit.insurer.identifier", expressions);    // wrong check digit
        Assert.Contains("ExplanationOfBenefit.provider.identifier", expressions);   // wrong check digit
        Assert.Contains("ExplanationOfBenefit.item[0].productOrService", expressions); // neither drug nor procedure
        Assert.Contains("ExplanationOfBenefit.item[1].productOrService.coding[0].code", expressions); // malformed YJ code
        Assert.Contains("ExplanationOfBenefit.item[2].serviced", expressions);      // outside the billable month
        Assert.Contains("ExplanationOfBenefit.item[4].sequence", expressions);      // duplicate sequence
        Assert.All(outcome["issue"]!.AsArray(), i => Assert.Equal("error", (string?)i!["severity"]));

        // A procedure code of the right shape that the master does not know is named too.
        var unknown = Eob(patient, insurer.OrganizationCode, pharmacy, "professional", Proc(1, "150000010", "2026-10-05"));
        var unknownOutcome = await (await client.SendAsync(HttpMethod.Post, "ExplanationOfBenefit", unknown.ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ExplanationOfBenefit.item[0].productOrService.coding[0].code", Expressions(unknownOutcome));
        Assert.Contains("医科診療行為マスター", (string?)unknownOutcome["issue"]![0]!["diagnostics"]);

        var none = await (await Operator.GetAsync($"ExplanationOfBenefit?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(none["entry"]);
    }

    [Fact]
    public async Task Feed_RefusesAClaimForAPatientNotRegistered()
    {
        var (insurer, client, _, pharmacy) = await SetUpAsync();
        using var http = client;
        var outcome = await (await client.SendAsync(HttpMethod.Post, "ExplanationOfBenefit",
            Eob(Guid.NewGuid().ToString(), insurer.OrganizationCode, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["ExplanationOfBenefit.patient"], Expressions(outcome));
    }

    [Fact]
    public async Task Feed_RefusesAClaimOfAnInsurerThePlatformDoesNotKnow()
    {
        var (_, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        var stranger = ServerFixture.NewInsurerNumber();   // a valid check digit, but never registered
        var outcome = await (await Operator.SendAsync(HttpMethod.Post, "ExplanationOfBenefit",
            Eob(patient, stranger, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["ExplanationOfBenefit.insurer.identifier"], Expressions(outcome));
        Assert.Contains("Unknown insurer", (string?)outcome["issue"]![0]!["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClaimFromElsewhere_NamingNoInsurerNumber_IsStoredAsSent_AndStaysOutOfTheViews()
    {
        var patient = (string)(await CreatePatientAsync(Operator, "輸入"))["id"]!;
        var imported = $$$"""
        {"resourceType":"Claim","status":"active","use":"claim","patient":{"reference":"Patient/{{{patient}}}"},"created":"2026-10-05",
         "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"pharmacy"}]},
         "priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},
         "insurer":{"display":"Medicare"},"provider":{"display":"Example Pharmacy"},
         "insurance":[{"sequence":1,"focal":true,"coverage":{"display":"Medicare"}}],
         "item":[{"sequence":1,"productOrService":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"310965"}]},"servicedDate":"2026-10-05"}]}
        """;
        await Operator.CreateAsync(imported);

        var history = await (await Operator.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Matches(history));
    }

    [Fact]
    public async Task Feed_InATransaction_OneBadClaimRollsBackTheOthers()
    {
        var (insurer, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        var good = Eob(patient, insurer.OrganizationCode, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05"));
        var bad = Eob(patient, insurer.OrganizationCode, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10"));
        var transaction = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = good, ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "ExplanationOfBenefit" } },
                new JsonObject { ["resource"] = bad, ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "ExplanationOfBenefit" } }),
        };

        var outcome = await (await client.SendAsync(HttpMethod.Post, "", transaction.ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ExplanationOfBenefit.item[0].serviced", Expressions(outcome));
        var none = await (await Operator.GetAsync($"ExplanationOfBenefit?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(none["entry"]);
    }

    [Fact]
    public async Task Feed_AnInsurerRegistersOnlyUnderItsOwnNumber()
    {
        var (_, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        var other = (await server.RegisterClientAsync("insurer-staff", "insurer")).OrganizationCode;
        var outcome = await (await client.SendAsync(HttpMethod.Post, "ExplanationOfBenefit",
            Eob(patient, other, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains(other, outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claims_AreNotReadByCareRolesDirectly_ButByThePatient()
    {
        var (insurer, client, patient, pharmacy) = await SetUpAsync();
        using var http = client;
        await client.CreateAsync(Eob(patient, insurer.OrganizationCode, pharmacy, "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString());
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "treatment", "medication");

        // One claim mixes medication and treatment lines under different consents: care roles see claims through the views only.
        await (await doctor.GetAsync($"ExplanationOfBenefit?patient=Patient/{patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);
        var mine = await (await me.GetAsync("ExplanationOfBenefit")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(mine["entry"]!.AsArray());
    }
}

public sealed class SqliteClaimFeedTests(SqliteServerFixture server) : ClaimFeedContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresClaimFeedTests(PostgresServerFixture server) : ClaimFeedContract(server), IClassFixture<PostgresServerFixture>;
