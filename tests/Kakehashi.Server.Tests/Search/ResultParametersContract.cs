using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Result parameters: _sort, _count and paging, _total, _include/_revinclude (:iterate, *), _summary, _elements, strict/lenient, POST _search.</summary>
public abstract class ResultParametersContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Observation(string subject, string? encounter = null) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"{{subject}}"}{{(encounter is null ? "" : $",\"encounter\":{{\"reference\":\"{encounter}\"}}")}}}""";

    [Fact]
    public async Task Sort_SeveralKeys_AscendingAndDescending_MissingLast()
    {
        var a1 = await CreateAsync(Patient("A", birthDate: "1990-01-01"));
        var a2 = await CreateAsync(Patient("A", birthDate: "2000-01-01"));
        var b = await CreateAsync(Patient("B", birthDate: "1980-01-01"));
        var none = await CreateAsync("""{"resourceType":"Patient","gender":"male"}""");

        var bundle = await SearchAsync("Patient?_sort=family,-birthdate");
        Assert.Equal([a2, a1, b, none], Entries(bundle).Select(e => (string)e["resource"]!["id"]!));

        bundle = await SearchAsync("Patient?_sort=-family,birthdate");
        Assert.Equal([b, a1, a2, none], Entries(bundle).Select(e => (string)e["resource"]!["id"]!));

        bundle = await SearchAsync("Patient?_sort=birthdate");
        Assert.Equal([b, a1, a2, none], Entries(bundle).Select(e => (string)e["resource"]!["id"]!));
    }

    [Fact]
    public async Task Sort_ByUnknownOrReferenceParameter_Is400()
    {
        await ExpectBadRequestAsync("Patient?_sort=shoe", "shoe");
        await ExpectBadRequestAsync("Observation?_sort=subject", "subject");
    }

    [Fact]
    public async Task Paging_FollowsNextLinksThroughEveryMatchOnce()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await CreateAsync(Patient("Page" + i)));
        }

        var seen = new List<string>();
        var bundle = await SearchAsync("Patient?_count=3&_sort=family");
        var pages = 1;
        seen.AddRange(Entries(bundle).Select(e => (string)e["resource"]!["id"]!));
        while (Link(bundle, "next") is { } next)
        {
            bundle = await (await Client.GetAsync(next)).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(Entries(bundle).Select(e => (string)e["resource"]!["id"]!));
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task Total_Accurate_CountsAllMatches_AndNoneOmitsIt()
    {
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(Patient("Total"));
        }

        Assert.Equal(4, (int?)(await SearchAsync("Patient?_total=accurate&_count=1"))["total"]);
        Assert.Null((await SearchAsync("Patient?_total=none&_count=1"))["total"]);
        var estimate = (int?)(await SearchAsync("Patient?_total=estimate&_count=1"))["total"];
        Assert.True(estimate is null or >= 0);
    }

    [Fact]
    public async Task SummaryCount_ReturnsOnlyTheTotal()
    {
        await CreateAsync(Patient("Count1"));
        await CreateAsync(Patient("Count2"));

        var bundle = await SearchAsync("Patient?_summary=count");
        Assert.Equal(2, (int?)bundle["total"]);
        Assert.Empty(Entries(bundle));
    }

    [Fact]
    public async Task Count_Zero_ReturnsTotalWithoutEntries()
    {
        await CreateAsync(Patient("Zero"));

        var bundle = await SearchAsync("Patient?_count=0&_total=accurate");
        Assert.Equal(1, (int?)bundle["total"]);
        Assert.Empty(Entries(bundle));
    }

    [Fact]
    public async Task Count_AboveMaximum_IsCapped_AndNegativeIs400()
    {
        await CreateAsync(Patient("Cap"));
        await SearchAsync("Patient?_count=100000");
        await ExpectBadRequestAsync("Patient?_count=-1", "_count");
        await ExpectBadRequestAsync("Patient?_count=abc", "_count");
    }

    [Fact]
    public async Task Include_AddsReferencedResources_MarkedInclude()
    {
        var patient = await CreateAsync(Patient("Inc"));
        var obs = await CreateAsync(Observation("Patient/" + patient));

        var bundle = await SearchAsync("Observation?_include=Observation:subject");
        Assert.Equal([obs], MatchIds(bundle));
        Assert.Equal(["Patient/" + patient], IncludedKeys(bundle));

        bundle = await SearchAsync("Observation?_include=Observation:subject:Group");
        Assert.Empty(IncludedKeys(bundle));

        bundle = await SearchAsync("Observation?_include=*");
        Assert.Equal(["Patient/" + patient], IncludedKeys(bundle));
    }

    [Fact]
    public async Task RevInclude_AddsReferringResources()
    {
        var patient = await CreateAsync(Patient("RevInc"));
        var o1 = await CreateAsync(Observation("Patient/" + patient));
        var o2 = await CreateAsync(Observation("Patient/" + patient));

        var bundle = await SearchAsync($"Patient?_id={patient}&_revinclude=Observation:subject");
        Assert.Equal([patient], MatchIds(bundle));
        Assert.Equal(new[] { "Observation/" + o1, "Observation/" + o2 }.Order(StringComparer.Ordinal), IncludedKeys(bundle));
    }

    [Fact]
    public async Task IncludeIterate_FollowsIncludedResources_AndCyclesTerminate()
    {
        var org = await CreateAsync("""{"resourceType":"Organization","name":"Iterate"}""");
        var patient = await CreateAsync(Patient("Iter", extra: $",\"managingOrganization\":{{\"reference\":\"Organization/{org}\"}}"));
        var obs = await CreateAsync(Observation("Patient/" + patient));

        var bundle = await SearchAsync("Observation?_include=Observation:subject&_include:iterate=Patient:organization");
        Assert.Equal([obs], MatchIds(bundle));
        Assert.Equal(new[] { "Organization/" + org, "Patient/" + patient }.Order(StringComparer.Ordinal), IncludedKeys(bundle));

        // A cycle: Organization partOf itself through a sibling; iteration must stop and list each once.
        var a = await CreateAsync("""{"resourceType":"Organization","name":"CycleA"}""");
        var b = await CreateAsync($$"""{"resourceType":"Organization","name":"CycleB","partOf":{"reference":"Organization/{{a}}" } }""");
        var updated = $$"""{"resourceType":"Organization","id":"{{a}}","name":"CycleA","partOf":{"reference":"Organization/{{b}}"},"meta":{"tag":[{"system":"{{TagSystem}}","code":"{{Tag}}" } ] } }""";
        await (await Client.SendAsync(HttpMethod.Put, "Organization/" + a, updated)).ExpectAsync(HttpStatusCode.OK);

        bundle = await SearchAsync($"Organization?_id={a}&_include:iterate=Organization:partof");
        Assert.Equal([a], MatchIds(bundle));
        Assert.Equal(["Organization/" + b], IncludedKeys(bundle));
    }

    [Fact]
    public async Task Include_Invalid_Is400()
    {
        await ExpectBadRequestAsync("Observation?_include=Observation:status", "_include");
        await ExpectBadRequestAsync("Observation?_include=Nope:subject", "_include");
    }

    [Fact]
    public async Task Elements_And_SummaryTrue_TrimResources()
    {
        await CreateAsync(Patient("Elem", given: "花子", birthDate: "1999-09-09"));

        var bundle = await SearchAsync("Patient?_elements=birthDate");
        var resource = Entries(bundle).Single()["resource"]!;
        Assert.Equal("1999-09-09", (string?)resource["birthDate"]);
        Assert.Null(resource["name"]);

        bundle = await SearchAsync("Patient?_summary=true");
        resource = Entries(bundle).Single()["resource"]!;
        Assert.NotNull(resource["name"]);
    }

    [Fact]
    public async Task Strict_UnknownParameter_Is400NamingIt()
    {
        var message = await (await Client.GetAsync("Patient?shoe-size=42")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains("shoe-size", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lenient_UnknownParameter_IsIgnoredAndReported()
    {
        var id = await CreateAsync(Patient("Lenient"));
        var response = await Client.SendAsync(HttpMethod.Get, $"Patient?shoe-size=42&{Mine}", configure: FhirHttp.Header("Prefer", "handling=lenient"));
        var bundle = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([id], MatchIds(bundle));
        var outcome = Entries(bundle).Single(e => (string?)e["search"]?["mode"] == "outcome");
        Assert.Contains("shoe-size", outcome.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSearch_WithFormBody_EqualsGet()
    {
        var id = await CreateAsync(Patient("PostSearch"));
        using var form = new FormUrlEncodedContent([new("family", "PostSearch"), new("_tag", TagSystem + "|" + Tag)]);
        var bundle = await (await Client.PostAsync("Patient/_search", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([id], MatchIds(bundle));
    }

    [Fact]
    public async Task SystemSearch_WithType_SearchesSeveralTypes()
    {
        var patient = await CreateAsync(Patient("System"));
        var obs = await CreateAsync(Observation("Patient/" + patient));
        await CreateAsync("""{"resourceType":"Organization","name":"NotWanted"}""");

        var bundle = await SearchAsync("?_type=Patient,Observation");
        Assert.Equal(new[] { obs, patient }.Order(StringComparer.Ordinal), MatchIds(bundle));

        bundle = await SearchAsync("");
        Assert.Equal(3, MatchIds(bundle).Length);
    }

    [Fact]
    public async Task List_SelectsTheItemsOfAList()
    {
        var listed = await CreateAsync(Patient("Listed"));
        await CreateAsync(Patient("NotListed"));
        var obs = await CreateAsync(Observation("Patient/" + listed));
        var list = await CreateAsync($$"""{"resourceType":"List","status":"current","mode":"working","entry":[{"item":{"reference":"Patient/{{listed}}"} },{"item":{"reference":"Observation/{{obs}}"} } ] }""");

        await ExpectAsync($"Patient?_list={list}", listed);
        await ExpectAsync($"Observation?_list={list}", obs);
        await ExpectBadRequestAsync($"Patient?_list=$current-problems&{Mine}", "_list");
    }

    [Fact]
    public async Task DeletedResources_AreNeverFound()
    {
        var id = await CreateAsync(Patient("Gone"));
        await Client.DeleteAsync("Patient/" + id);

        await ExpectAsync("Patient?family=Gone");
    }

    [Fact]
    public async Task UpdatedResources_AreFoundByTheirNewValuesOnly()
    {
        var id = await CreateAsync(Patient("Before"));
        var updated = $$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"After" } ],"meta":{"tag":[{"system":"{{TagSystem}}","code":"{{Tag}}" } ] } }""";
        await (await Client.SendAsync(HttpMethod.Put, "Patient/" + id, updated)).ExpectAsync(HttpStatusCode.OK);

        await ExpectAsync("Patient?family=Before");
        await ExpectAsync("Patient?family=After", id);
    }

    [Fact]
    public async Task EmptyValue_IsIgnored()
    {
        var id = await CreateAsync(Patient("Empty"));

        await ExpectAsync("Patient?family=", id);
    }

    [Fact]
    public async Task SelfLink_IsPresent()
    {
        var bundle = await SearchAsync("Patient?family=x");
        Assert.NotNull(Link(bundle, "self"));
        Assert.Equal("searchset", (string?)bundle["type"]);
        Assert.IsType<JsonArray>(bundle["link"]);
    }
}

public sealed class SqliteResultParametersTests(SqliteServerFixture server) : ResultParametersContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresResultParametersTests(PostgresServerFixture server) : ResultParametersContract(server), IClassFixture<PostgresServerFixture>;
