using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.BulkExport;

/// <summary>A server whose export files hold at most two resources: a type is split over several files.</summary>
public sealed class SqliteSmallFileServerFixture : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Kakehashi:Export:ResourcesPerFile"] = "2" };
}

/// <summary>The PostgreSQL twin of <see cref="SqliteSmallFileServerFixture"/>.</summary>
public sealed class PostgresSmallFileServerFixture : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Kakehashi:Export:ResourcesPerFile"] = "2" };
}

/// <summary>Files are cut at <c>ResourcesPerFile</c>; each file continues where the one before it stopped, nothing repeated or lost.</summary>
public abstract class ExportFileSplitContract(ServerFixture server)
{
    [Fact]
    public async Task AType_LargerThanAFile_IsSplit_WithoutRepeatingOrLosingAResource()
    {
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("分割"))))["id"]!;
        var observations = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            observations.Add((string)(await server.Client.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"BMI {{{i}}}"},"subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!);
        }

        var group = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Group","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{patient}}}"}}]}"""))["id"]!;
        var kickoff = await server.Client.SendAsync(HttpMethod.Get, $"Group/{group}/$export?_type=Observation", configure: r => r.Headers.Add("Prefer", "respond-async"));
        await kickoff.ExpectAsync(HttpStatusCode.Accepted);
        var status = kickoff.Content.Headers.ContentLocation!.ToString();

        JsonNode? manifest = null;
        for (var i = 0; i < 600 && manifest is null; i++)
        {
            var poll = await server.Client.GetAsync(status);
            if (poll.StatusCode == HttpStatusCode.Accepted)
            {
                await Task.Delay(100);
                continue;
            }

            manifest = await poll.ExpectAsync(HttpStatusCode.OK);
        }

        var outputs = manifest!["output"]!.AsArray();
        Assert.Equal([2, 2, 1], outputs.Select(o => (int)o!["count"]!));
        var exported = new List<string>();
        foreach (var output in outputs)
        {
            var text = await (await server.Client.GetAsync((string)output!["url"]!)).Content.ReadAsStringAsync();
            exported.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => (string)JsonNode.Parse(line)!["id"]!));
        }

        Assert.Equal(observations.Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteExportFileSplitTests(SqliteSmallFileServerFixture server) : ExportFileSplitContract(server), IClassFixture<SqliteSmallFileServerFixture>;

public sealed class PostgresExportFileSplitTests(PostgresSmallFileServerFixture server) : ExportFileSplitContract(server), IClassFixture<PostgresSmallFileServerFixture>;
