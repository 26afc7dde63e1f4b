using System.Globalization;
using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>History at instance, type and system level with _since, _at, _count and paging. Runs on every store.</summary>
public abstract class HistoryContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    private async Task<(string Id, List<string> LastUpdated)> CreateWithVersionsAsync(int versions)
    {
        var resource = await Client.CreateAsync(PatientJson("履歴"));
        var id = (string)resource["id"]!;
        var stamps = new List<string> { (string)resource["meta"]!["lastUpdated"]! };
        for (var v = 2; v <= versions; v++)
        {
            await Task.Delay(15);
            resource["birthDate"] = $"19{v + 10}-01-01";
            resource = await (await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", resource.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
            stamps.Add((string)resource["meta"]!["lastUpdated"]!);
        }

        return (id, stamps);
    }

    [Fact]
    public async Task InstanceHistory_ListsVersionsNewestFirst()
    {
        var (id, _) = await CreateWithVersionsAsync(3);

        var bundle = await (await Client.GetAsync($"Patient/{id}/_history")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("history", (string?)bundle["type"]);
        var versions = bundle["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["meta"]!["versionId"]).ToList();
        Assert.Equal(["3", "2", "1"], versions);
        Assert.Equal("POST", (string?)bundle["entry"]![2]!["request"]!["method"]);
        Assert.Equal("PUT", (string?)bundle["entry"]![0]!["request"]!["method"]);
        Assert.Equal("201 Created", (string?)bundle["entry"]![2]!["response"]!["status"]);
    }

    [Fact]
    public async Task InstanceHistory_Since_ReturnsOnlyLaterVersions()
    {
        var (id, stamps) = await CreateWithVersionsAsync(3);

        var bundle = await (await Client.GetAsync($"Patient/{id}/_history?_since={Uri.EscapeDataString(stamps[1])}")).ExpectAsync(HttpStatusCode.OK);

        var versions = bundle["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["meta"]!["versionId"]).ToList();
        Assert.Equal(["3", "2"], versions);
    }

    [Fact]
    public async Task InstanceHistory_At_ReturnsVersionCurrentAtThatTime()
    {
        var (id, stamps) = await CreateWithVersionsAsync(3);

        var bundle = await (await Client.GetAsync($"Patient/{id}/_history?_at={Uri.EscapeDataString(stamps[1])}")).ExpectAsync(HttpStatusCode.OK);

        var versions = bundle["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["meta"]!["versionId"]).ToList();
        Assert.Equal(["2"], versions);
    }

    [Fact]
    public async Task InstanceHistory_Paging_FollowsNextLinks()
    {
        var (id, _) = await CreateWithVersionsAsync(5);
        var seen = new List<string>();
        var url = $"Patient/{id}/_history?_count=2";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(bundle["entry"]!.AsArray().Select(e => (string)e!["resource"]!["meta"]!["versionId"]!));
            url = bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.ToString();
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(["5", "4", "3", "2", "1"], seen);
    }

    [Fact]
    public async Task TypeAndSystemHistory_IncludeNewWrites()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var created = await Client.CreateAsync(PatientJson("型履歴"));
        var id = (string)created["id"]!;

        var typeHistory = await (await Client.GetAsync($"Patient/_history?_since={before}&_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(typeHistory["entry"]!.AsArray(), e => (string?)e!["resource"]?["id"] == id);
        var systemHistory = await (await Client.GetAsync($"_history?_since={before}&_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(systemHistory["entry"]!.AsArray(), e => (string?)e!["resource"]?["id"] == id);
        var observationHistory = await (await Client.GetAsync($"Observation/_history?_since={before}&_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(observationHistory["entry"]?.AsArray() ?? [], e => (string?)e!["resource"]?["id"] == id);
    }

    [Fact]
    public async Task History_UnknownParameter_Returns400()
    {
        await (await Client.GetAsync("Patient/_history?_foo=1")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("Patient/_history?_since=yesterday")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task InstanceHistory_UnknownResource_Returns404()
    {
        await (await Client.GetAsync($"Patient/{Guid.NewGuid()}/_history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteHistoryTests(SqliteServerFixture server) : HistoryContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresHistoryTests(PostgresServerFixture server) : HistoryContract(server), IClassFixture<PostgresServerFixture>;
