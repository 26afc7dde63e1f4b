using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>
/// $lookup, $validate-code (CodeSystem and ValueSet), $expand (nested compose, filter, count,
/// offset) and $translate on CodeSystems, ValueSets and ConceptMaps posted by the test, and on
/// the packaged JP terminology. Unknown code systems and value sets are 404.
/// </summary>
public abstract class TerminologyContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    /// <summary>A small lab-code system: CHEM (GLU, HBA1C) and HEM (WBC, RBC).</summary>
    private async Task<(string CodeSystem, string Chemistry, string Nested)> PostLabTerminologyAsync()
    {
        var system = "http://example.jp/fhir/CodeSystem/" + Unique("lab");
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "CodeSystem",
            ["url"] = system,
            ["name"] = "TestLab",
            ["status"] = "active",
            ["content"] = "complete",
            ["caseSensitive"] = true,
            ["concept"] = new JsonArray(
                new JsonObject
                {
                    ["code"] = "CHEM",
                    ["display"] = "生化学",
                    ["concept"] = new JsonArray(
                        new JsonObject { ["code"] = "GLU", ["display"] = "血糖" },
                        new JsonObject { ["code"] = "HBA1C", ["display"] = "HbA1c", ["designation"] = new JsonArray(new JsonObject { ["language"] = "en", ["value"] = "Hemoglobin A1c" }) }),
                },
                new JsonObject
                {
                    ["code"] = "HEM",
                    ["display"] = "血液学",
                    ["concept"] = new JsonArray(
                        new JsonObject { ["code"] = "WBC", ["display"] = "白血球数" },
                        new JsonObject { ["code"] = "RBC", ["display"] = "赤血球数" }),
                }),
        }.ToJsonString());
        var chemistry = system + "/vs-chemistry";
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["url"] = chemistry,
            ["status"] = "active",
            ["compose"] = new JsonObject
            {
                ["include"] = new JsonArray(new JsonObject
                {
                    ["system"] = system,
                    ["filter"] = new JsonArray(new JsonObject { ["property"] = "concept", ["op"] = "is-a", ["value"] = "CHEM" }),
                }),
            },
        }.ToJsonString());
        var nested = system + "/vs-nested";
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["url"] = nested,
            ["status"] = "active",
            ["compose"] = new JsonObject
            {
                ["include"] = new JsonArray(
                    new JsonObject { ["valueSet"] = new JsonArray(chemistry) },
                    new JsonObject { ["system"] = system, ["concept"] = new JsonArray(new JsonObject { ["code"] = "WBC" }) }),
                ["exclude"] = new JsonArray(new JsonObject { ["system"] = system, ["concept"] = new JsonArray(new JsonObject { ["code"] = "CHEM" }) }),
            },
        }.ToJsonString());
        return (system, chemistry, nested);
    }

    private static List<string> Codes(JsonNode expansion) =>
        [.. (expansion["expansion"]!["contains"]?.AsArray() ?? []).Select(c => (string)c!["code"]!).Order(StringComparer.Ordinal)];

    private static JsonNode? Parameter(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    [Fact]
    public async Task Expand_NestedCompose_IncludesValueSetsAndConcepts_AndExcludes()
    {
        var (_, chemistry, nested) = await PostLabTerminologyAsync();
        var chem = await (await Client.GetAsync("ValueSet/$expand?url=" + Uri.EscapeDataString(chemistry))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["CHEM", "GLU", "HBA1C"], Codes(chem));

        var expansion = await (await Client.GetAsync("ValueSet/$expand?url=" + Uri.EscapeDataString(nested))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ValueSet", (string?)expansion["resourceType"]);
        Assert.Equal(["GLU", "HBA1C", "WBC"], Codes(expansion));
        Assert.Equal(3, (int)expansion["expansion"]!["total"]!);
    }

    [Fact]
    public async Task Expand_FilterCountOffset_PageThroughMatches()
    {
        var (_, _, nested) = await PostLabTerminologyAsync();
        var filtered = await (await Client.GetAsync("ValueSet/$expand?filter=" + Uri.EscapeDataString("血") + "&url=" + Uri.EscapeDataString(nested))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["GLU", "WBC"], Codes(filtered));

        var page = await (await Client.GetAsync("ValueSet/$expand?filter=" + Uri.EscapeDataString("血") + "&count=1&offset=1&url=" + Uri.EscapeDataString(nested))).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(Codes(page));
        Assert.Equal(2, (int)page["expansion"]!["total"]!);
        Assert.Equal(1, (int)page["expansion"]!["offset"]!);
    }

    [Fact]
    public async Task Expand_InstanceLevel_AndInlineValueSet()
    {
        var (system, _, nested) = await PostLabTerminologyAsync();
        var search = await (await Client.GetAsync("ValueSet?url=" + Uri.EscapeDataString(nested))).ExpectAsync(HttpStatusCode.OK);
        var id = (string)search["entry"]![0]!["resource"]!["id"]!;
        Assert.Equal(["GLU", "HBA1C", "WBC"], Codes(await (await Client.GetAsync($"ValueSet/{id}/$expand")).ExpectAsync(HttpStatusCode.OK)));

        var inline = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new JsonObject
            {
                ["name"] = "valueSet",
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "ValueSet",
                    ["status"] = "draft",
                    ["compose"] = new JsonObject { ["include"] = new JsonArray(new JsonObject { ["system"] = system, ["filter"] = new JsonArray(new JsonObject { ["property"] = "concept", ["op"] = "descendent-of", ["value"] = "HEM" }) }) },
                },
            }),
        };
        Assert.Equal(["RBC", "WBC"], Codes(await (await Client.SendAsync(HttpMethod.Post, "ValueSet/$expand", inline.ToJsonString())).ExpectAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Expand_UnknownValueSet_Is404()
    {
        var response = await Client.GetAsync("ValueSet/$expand?url=" + Uri.EscapeDataString("http://example.jp/fhir/ValueSet/" + Unique("none")));
        await response.ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Expand_PackagedJpCoreValueSet()
    {
        var expansion = await (await Client.GetAsync("ValueSet/$expand?count=5&url=" + Uri.EscapeDataString("http://jpfhir.jp/fhir/core/ValueSet/JP_ConclusionCodesJed_VS"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, Codes(expansion).Count);
        Assert.True((int)expansion["expansion"]!["total"]! > 100);
    }

    [Fact]
    public async Task Lookup_ReturnsDisplayDesignationsAndParent()
    {
        var (system, _, _) = await PostLabTerminologyAsync();
        var result = await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(system)}&code=HBA1C")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Parameters", (string?)result["resourceType"]);
        Assert.Equal("TestLab", (string?)Parameter(result, "name")!["valueString"]);
        Assert.Equal("HbA1c", (string?)Parameter(result, "display")!["valueString"]);
        Assert.Contains("Hemoglobin A1c", Parameter(result, "designation")!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(result["parameter"]!.AsArray(), p => (string?)p!["name"] == "property" && p.ToJsonString().Contains("CHEM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_UnknownSystemOrCode_Is404()
    {
        await (await Client.GetAsync("CodeSystem/$lookup?code=X&system=" + Uri.EscapeDataString("http://example.jp/fhir/CodeSystem/" + Unique("none")))).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var (system, _, _) = await PostLabTerminologyAsync();
        await (await Client.GetAsync($"CodeSystem/$lookup?system={Uri.EscapeDataString(system)}&code=NOPE")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CodeSystemValidateCode_KnownUnknownAndWrongDisplay()
    {
        var (system, _, _) = await PostLabTerminologyAsync();
        var url = "CodeSystem/$validate-code?url=" + Uri.EscapeDataString(system);
        Assert.True((bool)Parameter(await (await Client.GetAsync(url + "&code=GLU")).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        Assert.False((bool)Parameter(await (await Client.GetAsync(url + "&code=XYZ")).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        Assert.False((bool)Parameter(await (await Client.GetAsync(url + "&code=GLU&display=" + Uri.EscapeDataString("赤血球数"))).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        await (await Client.GetAsync("CodeSystem/$validate-code?code=A&url=" + Uri.EscapeDataString("http://example.jp/none/" + Unique()))).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ValueSetValidateCode_MemberNonMemberAndUnknownValueSet()
    {
        var (system, _, nested) = await PostLabTerminologyAsync();
        var url = $"ValueSet/$validate-code?url={Uri.EscapeDataString(nested)}&system={Uri.EscapeDataString(system)}";
        Assert.True((bool)Parameter(await (await Client.GetAsync(url + "&code=WBC")).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        Assert.False((bool)Parameter(await (await Client.GetAsync(url + "&code=RBC")).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        Assert.False((bool)Parameter(await (await Client.GetAsync(url + "&code=CHEM")).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);

        var coding = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "url", ["valueUri"] = nested },
                new JsonObject { ["name"] = "codeableConcept", ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://example.jp/other", ["code"] = "1" }, new JsonObject { ["system"] = system, ["code"] = "GLU" }) } }),
        };
        Assert.True((bool)Parameter(await (await Client.SendAsync(HttpMethod.Post, "ValueSet/$validate-code", coding.ToJsonString())).ExpectAsync(HttpStatusCode.OK), "result")!["valueBoolean"]!);
        await (await Client.GetAsync("ValueSet/$validate-code?code=A&system=x&url=" + Uri.EscapeDataString("http://example.jp/none/" + Unique()))).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Translate_ByMapUrl_AndBySourceSystem()
    {
        var (system, _, _) = await PostLabTerminologyAsync();
        var mapUrl = system + "/to-jlac10";
        const string jlac10 = "http://jpfhir.jp/fhir/core/CodeSystem/JP_ObservationLabResultCode_CS";
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "ConceptMap",
            ["url"] = mapUrl,
            ["status"] = "active",
            ["group"] = new JsonArray(new JsonObject
            {
                ["source"] = system,
                ["target"] = jlac10,
                ["element"] = new JsonArray(
                    new JsonObject { ["code"] = "HBA1C", ["target"] = new JsonArray(new JsonObject { ["code"] = "3D046000001906202", ["display"] = "HbA1c(NGSP)", ["equivalence"] = "equivalent" }) },
                    new JsonObject { ["code"] = "RBC", ["target"] = new JsonArray(new JsonObject { ["equivalence"] = "unmatched" }) }),
            }),
        }.ToJsonString());

        var byUrl = await (await Client.GetAsync($"ConceptMap/$translate?url={Uri.EscapeDataString(mapUrl)}&system={Uri.EscapeDataString(system)}&code=HBA1C")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)Parameter(byUrl, "result")!["valueBoolean"]!);
        var match = Parameter(byUrl, "match")!;
        Assert.Contains("3D046000001906202", match.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("equivalent", match.ToJsonString(), StringComparison.Ordinal);

        var bySystem = await (await Client.GetAsync($"ConceptMap/$translate?system={Uri.EscapeDataString(system)}&code=HBA1C&targetsystem={Uri.EscapeDataString(jlac10)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)Parameter(bySystem, "result")!["valueBoolean"]!);

        var unmatched = await (await Client.GetAsync($"ConceptMap/$translate?url={Uri.EscapeDataString(mapUrl)}&system={Uri.EscapeDataString(system)}&code=RBC")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)Parameter(unmatched, "result")!["valueBoolean"]!);

        await (await Client.GetAsync($"ConceptMap/$translate?code=A&system={Uri.EscapeDataString("http://example.jp/none/" + Unique())}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SearchIn_UsesTheSameExpansion()
    {
        var (system, chemistry, _) = await PostLabTerminologyAsync();
        var marker = Unique("in");
        foreach (var code in new[] { "GLU", "WBC" })
        {
            await Client.CreateAsync(new JsonObject
            {
                ["resourceType"] = "Observation",
                ["status"] = "final",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["value"] = marker }),
                ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) },
            }.ToJsonString());
        }

        var inside = await (await Client.GetAsync($"Observation?identifier=urn:kakehashi:test|{marker}&code:in={Uri.EscapeDataString(chemistry)}")).ExpectAsync(HttpStatusCode.OK);
        var found = Assert.Single(inside["entry"]!.AsArray());
        Assert.Equal("GLU", (string?)found!["resource"]!["code"]!["coding"]![0]!["code"]);

        var outside = await (await Client.GetAsync($"Observation?identifier=urn:kakehashi:test|{marker}&code:not-in={Uri.EscapeDataString(chemistry)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("WBC", (string?)Assert.Single(outside["entry"]!.AsArray())!["resource"]!["code"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task CodeSystemChange_IsSeenByTheNextExpansion()
    {
        var (system, chemistry, _) = await PostLabTerminologyAsync();
        var search = await (await Client.GetAsync("CodeSystem?url=" + Uri.EscapeDataString(system))).ExpectAsync(HttpStatusCode.OK);
        var codeSystem = search["entry"]![0]!["resource"]!.AsObject();
        codeSystem["concept"]![0]!["concept"]!.AsArray().Add(new JsonObject { ["code"] = "TP", ["display"] = "総蛋白" });
        await (await Client.SendAsync(HttpMethod.Put, "CodeSystem/" + (string)codeSystem["id"]!, codeSystem.ToJsonString())).ExpectAsync(HttpStatusCode.OK);

        var expansion = await (await Client.GetAsync("ValueSet/$expand?url=" + Uri.EscapeDataString(chemistry))).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("TP", Codes(expansion));
    }
}

public sealed class SqliteTerminologyTests(SqliteServerFixture server) : TerminologyContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTerminologyTests(PostgresServerFixture server) : TerminologyContract(server), IClassFixture<PostgresServerFixture>;
