using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>
/// An institution registers a ConceptMap (tagged house-code-map) from its house codes to
/// standard codes; resources written afterwards carry the standard coding beside the house one.
/// </summary>
public abstract class HouseCodeMappingContract(ServerFixture server)
{
    private const string TagSystem = "http://kakehashi.jp/fhir/CodeSystem/conformance-tags";
    private const string Jlac10 = "http://medis.or.jp/CodeSystem/master-JLAC10-17digits";

    protected HttpClient Client => server.Client;

    private async Task<string> RegisterMapAsync(string houseSystem, bool tagged = true)
    {
        var map = new JsonObject
        {
            ["resourceType"] = "ConceptMap",
            ["url"] = houseSystem + "/map",
            ["status"] = "active",
            ["group"] = new JsonArray(new JsonObject
            {
                ["source"] = houseSystem,
                ["target"] = Jlac10,
                ["element"] = new JsonArray(
                    new JsonObject { ["code"] = "L-HBA1C", ["target"] = new JsonArray(new JsonObject { ["code"] = "3D046000001906202", ["display"] = "HbA1c(NGSP)", ["equivalence"] = "equivalent" }) },
                    new JsonObject { ["code"] = "L-GLU", ["target"] = new JsonArray(new JsonObject { ["code"] = "3D010000001926101", ["display"] = "グルコース", ["equivalence"] = "wider" }) }),
            }),
        };
        if (tagged)
        {
            map["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = TagSystem, ["code"] = "house-code-map" }) };
        }

        await Client.CreateAsync(map.ToJsonString());
        return houseSystem;
    }

    private static string Observation(string system, string code) => new JsonObject
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code, ["display"] = "院内コード" }) },
        ["valueQuantity"] = new JsonObject { ["value"] = 6.1, ["unit"] = "%", ["system"] = "http://unitsofmeasure.org", ["code"] = "%" },
    }.ToJsonString();

    private async Task<JsonArray> StoredCodingsAsync(string system, string code)
    {
        var created = await Client.CreateAsync(Observation(system, code));
        var read = await (await Client.GetAsync("Observation/" + (string)created["id"]!)).ExpectAsync(HttpStatusCode.OK);
        return read["code"]!["coding"]!.AsArray();
    }

    [Fact]
    public async Task MappedHouseCode_GetsTheStandardCodingBeside_NotInsteadOf()
    {
        var house = await RegisterMapAsync("http://hospital.example.jp/fhir/CodeSystem/" + Unique("lab"));
        var codings = await StoredCodingsAsync(house, "L-HBA1C");

        Assert.Equal(2, codings.Count);
        Assert.Equal(house, (string?)codings[0]!["system"]);
        Assert.Equal("L-HBA1C", (string?)codings[0]!["code"]);
        Assert.Equal("院内コード", (string?)codings[0]!["display"]);
        Assert.Equal(Jlac10, (string?)codings[1]!["system"]);
        Assert.Equal("3D046000001906202", (string?)codings[1]!["code"]);
    }

    [Fact]
    public async Task OnlyEquivalentMappings_AreAdded()
    {
        var house = await RegisterMapAsync("http://hospital.example.jp/fhir/CodeSystem/" + Unique("lab"));
        Assert.Single(await StoredCodingsAsync(house, "L-GLU"));
        Assert.Single(await StoredCodingsAsync(house, "L-UNMAPPED"));
    }

    [Fact]
    public async Task UntaggedConceptMap_ChangesNothing()
    {
        var house = await RegisterMapAsync("http://hospital.example.jp/fhir/CodeSystem/" + Unique("lab"), tagged: false);
        Assert.Single(await StoredCodingsAsync(house, "L-HBA1C"));
    }

    [Fact]
    public async Task StandardCodingAlreadyPresent_IsNotDuplicated_AndUpdatesAreMappedToo()
    {
        var house = await RegisterMapAsync("http://hospital.example.jp/fhir/CodeSystem/" + Unique("lab"));
        var created = await Client.CreateAsync(Observation(house, "L-HBA1C"));
        var id = (string)created["id"]!;
        var updated = (await (await Client.SendAsync(HttpMethod.Put, "Observation/" + id, created.ToJsonString())).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(2, updated["code"]!["coding"]!.AsArray().Count);
    }

    [Fact]
    public async Task MappedCodes_InTransactionEntries()
    {
        var house = await RegisterMapAsync("http://hospital.example.jp/fhir/CodeSystem/" + Unique("lab"));
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject { ["resource"] = JsonNode.Parse(Observation(house, "L-HBA1C")), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Observation" } }),
        };
        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        var location = (string)response["entry"]![0]!["response"]!["location"]!;
        var read = await (await Client.GetAsync(location[..location.IndexOf("/_history", StringComparison.Ordinal)])).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, read["code"]!["coding"]!.AsArray().Count);
    }
}

public sealed class SqliteHouseCodeMappingTests(SqliteServerFixture server) : HouseCodeMappingContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresHouseCodeMappingTests(PostgresServerFixture server) : HouseCodeMappingContract(server), IClassFixture<PostgresServerFixture>;
