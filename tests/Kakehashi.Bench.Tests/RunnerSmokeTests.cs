using Kakehashi.Bench.Runner;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kakehashi.Bench.Tests;

/// <summary>
/// The CI smoke run: the runner against an in-process server on a fresh SQLite file imports a tiny
/// synthetic population and two Synthea patients, then runs every timed scenario for a second or
/// two. Not a benchmark: it proves the harness works (throughput, no errors, memory read).
/// </summary>
public sealed class RunnerSmokeTests : IAsyncLifetime
{
    private const string DemoSecret = "bench-smoke-secret";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "kakehashi-bench-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> factory = null!;

    public Task InitializeAsync()
    {
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kakehashi:Storage:Provider", "Sqlite");
            builder.UseSetting("Kakehashi:Storage:DataDirectory", directory);
            builder.UseSetting("Kakehashi:Storage:Durable", "false");
            builder.UseSetting("Kakehashi:SeedDemoData", "false");
            // Ignored by a server without security; with it, the bench signs in as the demo client.
            builder.UseSetting("Kakehashi:Security:DemoClient:Enabled", "true");
            builder.UseSetting("Kakehashi:Security:DemoClient:Secret", DemoSecret);
            builder.UseSetting("Kakehashi:Security:DemoClient:Scopes", "system/*.cruds");
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection may still hold the file; the temp cleaner will get it.
        }
    }

    [Fact]
    public async Task Runner_ImportsAndRunsEveryScenario_WithThroughputAndNoErrors()
    {
        using var handler = factory.Server.CreateHandler();
        // The same runner options a real run uses: client credentials when the server has a token endpoint.
        using var probe = new HttpClient(handler, disposeHandler: false);
        using var tokenProbe = await probe.PostAsync(new Uri("http://localhost/connect/token"), new FormUrlEncodedContent([]));
        string[] auth = tokenProbe.StatusCode == System.Net.HttpStatusCode.NotFound
            ? []
            : ["--token-url", "http://localhost/connect/token", "--client-id", "demo", "--client-secret", DemoSecret];
        var options = BenchOptions.Parse(
        [
            "--base-url", "http://localhost/fhir",
            "--scenarios", "import-synthetic,import-synthea,crud,read,search,everything",
            "--people", "10", "--seed", "3", "--years", "2",
            "--synthea-limit", "2",
            "--concurrency", "2", "--duration", "1", "--warmup", "0.2",
            "--server-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--label", "smoke", "--out", Path.Combine(directory, "results"),
            .. auth,
        ]);
        var log = new StringWriter();

        var report = await new BenchRunner(options, log).RunAsync(handler);

        var byName = report.Scenarios.ToDictionary(s => s.Name);
        Assert.Equal(options.Scenarios, report.Scenarios.Select(s => s.Name));
        foreach (var scenario in report.Scenarios)
        {
            // $everything may legitimately be missing on a server; it must then say so, not crash.
            var acceptable = scenario.Name == "everything" ? new[] { "ok", "unsupported" } : ["ok"];
            Assert.True(acceptable.Contains(scenario.Status), $"{scenario.Name}: {scenario.Status} {scenario.Note} {string.Join(" | ", scenario.ErrorSamples)}\n{log}");
            if (scenario.Status == "ok")
            {
                Assert.True(scenario.Requests > 0 && scenario.RequestsPerSecond > 0, scenario.Name);
                Assert.Equal(0, scenario.Errors);
                Assert.All(scenario.Operations, o => Assert.True(o.P50Ms <= o.P99Ms && o.P99Ms <= o.MaxMs && o.MaxMs > 0, o.Name));
                Assert.True(scenario.ServerHighWaterMiB > 0, scenario.Name);
            }
        }

        Assert.True(byName["import-synthetic"].ResourcesPerSecond > 0);
        Assert.True(byName["import-synthea"].Resources > 100);
        Assert.Equal(["create", "delete", "read", "update"], byName["crud"].Operations.Select(o => o.Name));
        var crud = byName["crud"].Operations.ToDictionary(o => o.Name, o => o.Requests);
        Assert.True(crud["create"] >= 9 && crud["read"] == crud["create"] && crud["delete"] == crud["create"]);
        Assert.Contains(byName["search"].Operations, o => o.Name == "_has");
        Assert.Contains(byName["search"].Operations, o => o.Name == "chained");

        var (json, markdown) = ReportWriter.Save(report, options.OutputDirectory);
        Assert.Contains("\"scenarios\"", await File.ReadAllTextAsync(json), StringComparison.Ordinal);
        Assert.Contains("| crud | create |", await File.ReadAllTextAsync(markdown), StringComparison.Ordinal);
    }
}
