using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Conformance;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.ClinicalItems;

/// <summary>
/// Institutions register the six clinical items with Patient/[id]/$submit-clinical-items:
/// confirmed items only, validated against the eCS profiles, diagnoses replaced per sender.
/// </summary>
public abstract class SubmitClinicalItemsContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static JsonObject Example(string name) => JpExamples.Json("jp-clins/" + name);

    private static JsonObject Collection(params JsonObject[] items) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "collection",
        ["entry"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(), ["resource"] = i })]),
    };

    private static async Task<JsonNode> SubmitAsync(HttpClient client, string patient, JsonNode body, HttpStatusCode expected) =>
        await (await client.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-clinical-items", body.ToJsonString())).ExpectAsync(expected);

    private static int Integer(JsonNode parameters, string name) =>
        (int)parameters["parameter"]!.AsArray().First(p => (string?)p!["name"] == name)!["valueInteger"]!;

    private async Task<int> DiagnosesAsync(string patient)
    {
        var bundle = await (await Operator.GetAsync($"Condition?patient=Patient/{patient}&_count=100")).ExpectAsync(HttpStatusCode.OK);
        return bundle["entry"]?.AsArray().Count ?? 0;
    }

    [Fact]
    public async Task Submit_StoresAConfirmedDiagnosis_ForThePlatformsPatient()
    {
        var sender = await server.RegisterClientAsync("doctor", "clinic");
        using var client = server.CreateClient(sender);
        var patient = (string)(await CreatePatientAsync(Operator, "共有"))["id"]!;

        var answer = await SubmitAsync(client, patient, Example("Condition-Example-JP-Condition-eCS-01.json"), HttpStatusCode.OK);

        Assert.Equal(1, Integer(answer, "stored"));
        var bundle = await (await Operator.GetAsync($"Condition?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        var stored = bundle["entry"]![0]!["resource"]!;
        Assert.Equal("Patient/" + patient, (string?)stored["subject"]!["reference"]);
    }

    [Fact]
    public async Task Submit_RefusesAnUnconfirmedDiagnosis_NamingVerificationStatus_AndStoresNothing()
    {
        var sender = await server.RegisterClientAsync("doctor", "clinic");
        using var client = server.CreateClient(sender);
        var patient = (string)(await CreatePatientAsync(Operator, "共有"))["id"]!;
        var provisional = Example("Condition-Example-JP-Condition-eCS-01.json");
        provisional["verificationStatus"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-ver-status", ["code"] = "provisional" }),
        };

        var outcome = await SubmitAsync(client, patient, Collection(Example("Condition-Example-JP-Condition-eCS-02.json"), provisional), HttpStatusCode.UnprocessableEntity);

        Assert.Contains(outcome["issue"]!.AsArray(), i => ((string?)i!["expression"]?[0])?.StartsWith("Bundle.entry[1].resource.verificationStatus", StringComparison.Ordinal) == true);
        Assert.Equal(0, await DiagnosesAsync(patient));
    }

    [Fact]
    public async Task Submit_ReplacesOnlyTheSendersOwnDiagnoses()
    {
        var a = await server.RegisterClientAsync("doctor", "clinic");
        var b = await server.RegisterClientAsync("doctor", "clinic");
        using var clientA = server.CreateClient(a);
        using var clientB = server.CreateClient(b);
        var patient = (string)(await CreatePatientAsync(Operator, "共有"))["id"]!;

        await SubmitAsync(clientA, patient, Collection(Example("Condition-Example-JP-Condition-eCS-01.json"), Example("Condition-Example-JP-Condition-eCS-02.json")), HttpStatusCode.OK);
        await SubmitAsync(clientB, patient, Example("Condition-Example-JP-Condition-eCS-ANGINA.json"), HttpStatusCode.OK);
        Assert.Equal(3, await DiagnosesAsync(patient));

        // A's next list omits one diagnosis: it disappears from A's list, B's stays.
        var again = await SubmitAsync(clientA, patient, Example("Condition-Example-JP-Condition-eCS-02.json"), HttpStatusCode.OK);

        Assert.Equal(2, Integer(again, "replacedDiagnoses"));
        Assert.Equal(2, await DiagnosesAsync(patient));
    }
}

public sealed class SqliteSubmitClinicalItemsTests(SqliteServerFixture server) : SubmitClinicalItemsContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSubmitClinicalItemsTests(PostgresServerFixture server) : SubmitClinicalItemsContract(server), IClassFixture<PostgresServerFixture>;
