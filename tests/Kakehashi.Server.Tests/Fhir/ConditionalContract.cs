using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>Conditional create, update and delete, including races. Runs on every store.</summary>
public abstract class ConditionalContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    private async Task<int> CountAsync(string identifier)
    {
        var bundle = await (await Client.GetAsync($"Patient?identifier=urn:kakehashi:test|{identifier}")).ExpectAsync(HttpStatusCode.OK);
        return bundle["entry"]?.AsArray().Count ?? 0;
    }

    [Fact]
    public async Task ConditionalCreate_WhenMatchExists_Returns200AndCreatesNothing()
    {
        var identifier = Unique();
        var first = await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("条件", identifier), Header("If-None-Exist", $"identifier=urn:kakehashi:test|{identifier}"));
        var created = await first.ExpectAsync(HttpStatusCode.Created);

        var second = await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("条件", identifier), Header("If-None-Exist", $"identifier=urn:kakehashi:test|{identifier}"));
        var existing = await second.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((string)created["id"]!, (string)existing["id"]!);
        Assert.Equal(1, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalCreate_RacingRequests_CreateExactlyOne()
    {
        var identifier = Unique();
        var racers = Enumerable.Range(0, 12).Select(async _ =>
        {
            using var client = server.CreateClient();
            var response = await client.SendAsync(HttpMethod.Post, "Patient", PatientJson("競争", identifier), Header("If-None-Exist", $"identifier=urn:kakehashi:test|{identifier}"));
            return (response.StatusCode, (string)(await response.BodyAsync())["id"]!);
        });

        var results = await Task.WhenAll(racers);

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        Assert.Single(results.Select(r => r.Item2).Distinct());
        Assert.Equal(1, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalCreate_MultipleMatches_Returns412()
    {
        var identifier = Unique();
        await Client.CreateAsync(PatientJson("重複", identifier));
        await Client.CreateAsync(PatientJson("重複", identifier));
        await (await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("重複", identifier), Header("If-None-Exist", $"identifier=urn:kakehashi:test|{identifier}")))
            .ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalUpdate_NoMatch_Creates_ThenOneMatch_Updates()
    {
        var identifier = Unique();
        var url = $"Patient?identifier=urn:kakehashi:test|{identifier}";
        var created = await (await Client.SendAsync(HttpMethod.Put, url, PatientJson("初回", identifier))).ExpectAsync(HttpStatusCode.Created);

        var updated = await (await Client.SendAsync(HttpMethod.Put, url, PatientJson("二回目", identifier))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((string)created["id"]!, (string)updated["id"]!);
        Assert.Equal("2", (string?)updated["meta"]!["versionId"]);
        Assert.Equal("二回目", (string?)updated["name"]![0]!["family"]);
    }

    [Fact]
    public async Task ConditionalUpdate_RacingRequests_CreateExactlyOne()
    {
        var identifier = Unique();
        var racers = Enumerable.Range(0, 10).Select(async i =>
        {
            using var client = server.CreateClient();
            var response = await client.SendAsync(HttpMethod.Put, $"Patient?identifier=urn:kakehashi:test|{identifier}", PatientJson("競争" + i, identifier));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(racers);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(1, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalUpdate_MultipleMatches_Returns412()
    {
        var identifier = Unique();
        await Client.CreateAsync(PatientJson("a", identifier));
        await Client.CreateAsync(PatientJson("b", identifier));
        await (await Client.SendAsync(HttpMethod.Put, $"Patient?identifier=urn:kakehashi:test|{identifier}", PatientJson("c", identifier)))
            .ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task ConditionalDelete_OneMatch_DeletesIt()
    {
        var identifier = Unique();
        var id = (string)(await Client.CreateAsync(PatientJson("消去", identifier)))["id"]!;

        var response = await Client.DeleteAsync($"Patient?identifier=urn:kakehashi:test|{identifier}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await Client.GetAsync($"Patient/{id}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        Assert.Equal(0, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalDelete_MultipleMatches_Returns412AndDeletesNothing()
    {
        var identifier = Unique();
        await Client.CreateAsync(PatientJson("a", identifier));
        await Client.CreateAsync(PatientJson("b", identifier));
        await (await Client.DeleteAsync($"Patient?identifier=urn:kakehashi:test|{identifier}")).ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, await CountAsync(identifier));
    }

    [Fact]
    public async Task ConditionalCreate_UnknownSearchParameter_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("x"), Header("If-None-Exist", "nonsense=1")))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SearchById_FindsTheResource()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("検索")))["id"]!;
        var bundle = await (await Client.GetAsync($"Patient?_id={id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("searchset", (string?)bundle["type"]);
        Assert.Equal(1, (int?)bundle["total"]);
        Assert.Equal(id, (string?)bundle["entry"]![0]!["resource"]!["id"]);
        Assert.Equal($"{ServerFixture.BaseUrl}/Patient/{id}", (string?)bundle["entry"]![0]!["fullUrl"]);
    }

    [Fact]
    public async Task SearchByJapaneseName_IgnoresKanaAndWidthVariants()
    {
        var family = "ヤマダ" + Unique();
        var id = (string)(await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["family"] = family }),
        }.ToJsonString()))["id"]!;

        var hiragana = "やまだ" + family[3..];
        var bundle = await (await Client.GetAsync($"Patient?family={Uri.EscapeDataString(hiragana)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(bundle["entry"]!.AsArray(), e => (string?)e!["resource"]!["id"] == id);
    }
}

public sealed class SqliteConditionalTests(SqliteServerFixture server) : ConditionalContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresConditionalTests(PostgresServerFixture server) : ConditionalContract(server), IClassFixture<PostgresServerFixture>;
