using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>
/// JP Core 1.1.2 names code systems by OID, JP-CLINS by http:// URI: NamingSystems (packaged,
/// or POSTed at run time) make both names the same system in terminology, validation and search.
/// </summary>
public abstract class CodeSystemEquivalenceContract(ServerFixture server)
{
    // JP Core's NamingSystem jp-endoscopyterminology-codes-jed-ns: the JED code system under both names.
    private const string JedOid = "urn:oid:1.2.392.200270.4.1000.1";
    private const string JedUri = "http://jpfhir.jp/fhir/core/CodeSystem/JP_EndoscopyTerminologyCodesJED_CS";
    private const string JedValueSet = "http://jpfhir.jp/fhir/core/ValueSet/JP_ConclusionCodesJed_VS";

    protected HttpClient Client => server.Client;

    private static JsonNode? Parameter(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    private async Task<string> FirstJedCodeAsync()
    {
        var expansion = await (await Client.GetAsync("ValueSet/$expand?count=1&url=" + Uri.EscapeDataString(JedValueSet))).ExpectAsync(HttpStatusCode.OK);
        var first = expansion["expansion"]!["contains"]![0]!;
        Assert.Equal(JedOid, (string?)first["system"]);
        return (string)first["code"]!;
    }

    [Fact]
    public async Task PackagedNamingSystem_MakesOidAndUriTheSameSystem_InValueSetValidateCode()
    {
        var code = await FirstJedCodeAsync();
        foreach (var system in new[] { JedOid, JedUri })
        {
            var result = await (await Client.GetAsync($"ValueSet/$validate-code?url={Uri.EscapeDataString(JedValueSet)}&system={Uri.EscapeDataString(system)}&code={Uri.EscapeDataString(code)}")).ExpectAsync(HttpStatusCode.OK);
            Assert.True((bool)Parameter(result, "result")!["valueBoolean"]!, system);
        }
    }

    [Fact]
    public async Task PackagedNamingSystem_LookupUnderEitherName()
    {
        var code = await FirstJedCodeAsync();
        await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(JedUri)}&code={Uri.EscapeDataString(code)}")).ExpectAsync(HttpStatusCode.OK);
        await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(JedOid)}&code={Uri.EscapeDataString(code)}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PostedNamingSystem_TakesEffectAtOnce()
    {
        var oid = "1.2.392.999." + Random.Shared.Next(1, int.MaxValue);
        var uri = "http://example.jp/fhir/CodeSystem/" + Unique("house");
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "CodeSystem",
            ["url"] = "urn:oid:" + oid,
            ["status"] = "active",
            ["content"] = "complete",
            ["concept"] = new JsonArray(new JsonObject { ["code"] = "A1", ["display"] = "院内A1" }),
        }.ToJsonString());
        await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(uri)}&code=A1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "NamingSystem",
            ["name"] = "HouseCodes",
            ["status"] = "active",
            ["kind"] = "codesystem",
            ["date"] = "2024-04-01",
            ["uniqueId"] = new JsonArray(
                new JsonObject { ["type"] = "oid", ["value"] = oid },
                new JsonObject { ["type"] = "uri", ["value"] = "urn:oid:" + oid, ["preferred"] = true },
                new JsonObject { ["type"] = "uri", ["value"] = uri }),
        }.ToJsonString());
        var result = await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(uri)}&code=A1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("院内A1", (string?)Parameter(result, "display")!["valueString"]);
    }

    [Fact]
    public async Task Search_ByEitherName_FindsTheSameResource()
    {
        var code = await FirstJedCodeAsync();
        var marker = Unique("jed");
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["value"] = marker }),
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = JedOid, ["code"] = code }) },
        }.ToJsonString());
        foreach (var system in new[] { JedOid, JedUri })
        {
            var bundle = await (await Client.GetAsync($"Observation?identifier=urn:kakehashi:test|{marker}&code={Uri.EscapeDataString(system + "|" + code)}")).ExpectAsync(HttpStatusCode.OK);
            Assert.True((bundle["entry"]?.AsArray().Count ?? 0) == 1, $"searching with {system}");
        }
    }
}

public sealed class SqliteCodeSystemEquivalenceTests(SqliteServerFixture server) : CodeSystemEquivalenceContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCodeSystemEquivalenceTests(PostgresServerFixture server) : CodeSystemEquivalenceContract(server), IClassFixture<PostgresServerFixture>;
