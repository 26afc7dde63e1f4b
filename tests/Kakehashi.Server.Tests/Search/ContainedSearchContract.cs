using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>
/// <c>_contained</c> / <c>_containedType</c> (R4 search §3.1.1.5.9): contained resources are
/// searched only when asked, every condition holds for the same contained resource, and the
/// result is the container or the contained resource itself. Contained resources carry no tag
/// of the test, so these searches use codes unique to the test instead of the tag filter.
/// </summary>
public abstract class ContainedSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private const string Codes = "urn:kakehashi:test:med";

    private readonly string code = FhirHttp.Unique("m");

    private static string Medication(string id, string code, string form) =>
        $$$"""{"resourceType":"Medication","id":"{{{id}}}","code":{"coding":[{"system":"{{{Codes}}}","code":"{{{code}}}"}]},"form":{"coding":[{"system":"{{{Codes}}}","code":"{{{form}}}"}]}}""";

    private static string Standalone(string code) =>
        $$$"""{"resourceType":"Medication","code":{"coding":[{"system":"{{{Codes}}}","code":"{{{code}}}"}]}}""";

    /// <summary>A prescription of its first contained Medication (med1).</summary>
    private static string Request(params string[] contained) =>
        $$$"""
        {"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/x"},
         "contained":[{{{string.Join(",", contained)}}}],"medicationReference":{"reference":"#med1"}}
        """;

    [Fact]
    public async Task Contained_IsSearchedOnlyWhenAsked_AndReturnsContainers()
    {
        var standalone = await CreateAsync(Standalone(code));
        var request = await CreateAsync(Request(Medication("med1", code, "tablet")));
        await CreateAsync(Request(Medication("med1", code + "-other", "tablet")));

        Assert.Equal(new[] { standalone }, await IdsAsync($"Medication?code={Codes}|{code}", onlyMine: false));
        Assert.Equal(new[] { request }, await IdsAsync($"Medication?code={Codes}|{code}&_contained=true", onlyMine: false));
        Assert.Equal(new[] { standalone, request }.Order(StringComparer.Ordinal), await IdsAsync($"Medication?code={Codes}|{code}&_contained=both", onlyMine: false));
        var bundle = await SearchAsync($"Medication?code={Codes}|{code}&_contained=true&_containedType=container", onlyMine: false);
        Assert.Equal("MedicationRequest", (string?)Entries(bundle).Single()["resource"]!["resourceType"]);
    }

    [Fact]
    public async Task ContainedType_Contained_ReturnsTheContainedResourceInsideItsContainer()
    {
        var request = await CreateAsync(Request(Medication("med1", code, "tablet"), Medication("med2", code + "-x", "liquid")));

        var bundle = await SearchAsync($"Medication?code={Codes}|{code}&_contained=true&_containedType=contained", onlyMine: false);

        var entry = Entries(bundle).Single();
        Assert.Equal("Medication", (string?)entry["resource"]!["resourceType"]);
        Assert.Equal("med1", (string?)entry["resource"]!["id"]);
        Assert.EndsWith($"/MedicationRequest/{request}#med1", (string?)entry["fullUrl"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contained_EveryConditionHoldsForTheSameContainedResource()
    {
        await CreateAsync(Request(Medication("med1", code, "tablet"), Medication("med2", code + "-z", "liquid")));
        var both = await CreateAsync(Request(Medication("med1", code, "liquid")));

        Assert.Equal(new[] { both }, await IdsAsync($"Medication?code={Codes}|{code}&form={Codes}|liquid&_contained=true", onlyMine: false));
    }

    [Fact]
    public async Task Contained_FollowsNewVersionsAndDeletion()
    {
        var request = await CreateAsync(Request(Medication("med1", code, "tablet")));
        var url = $"Medication?code={Codes}|{code}&_contained=true";
        Assert.Equal(new[] { request }, await IdsAsync(url, onlyMine: false));

        var updated = JsonNode.Parse(Request(Medication("med1", code + "-new", "tablet")))!.AsObject();
        updated["id"] = request;
        await (await Client.SendAsync(HttpMethod.Put, "MedicationRequest/" + request, updated.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await IdsAsync(url, onlyMine: false));
        Assert.Equal(new[] { request }, await IdsAsync($"Medication?code={Codes}|{code}-new&_contained=true", onlyMine: false));

        await Client.SendAsync(HttpMethod.Delete, "MedicationRequest/" + request);
        Assert.Empty(await IdsAsync($"Medication?code={Codes}|{code}-new&_contained=true", onlyMine: false));
    }

    [Fact]
    public async Task Contained_InvalidValuesAndUnsupportedCombinations_Are400()
    {
        await ExpectBadRequestAsync("Medication?_contained=maybe", "_contained");
        await ExpectBadRequestAsync("Medication?_containedType=parent", "_containedType");
        await ExpectBadRequestAsync("Medication?_contained=true&_sort=code", "_sort");
    }
}

public sealed class SqliteContainedSearchTests(SqliteServerFixture server) : ContainedSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresContainedSearchTests(PostgresServerFixture server) : ContainedSearchContract(server), IClassFixture<PostgresServerFixture>;
