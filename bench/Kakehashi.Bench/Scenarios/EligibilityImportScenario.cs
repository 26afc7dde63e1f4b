using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kakehashi.Bench.Generate;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Loads the eligibility data of the synthetic population (--people N --seed S): the insurers as
/// transaction Bundles, then each person's Patient and Coverage (with the card link) through the
/// server's bulk upload (<c>POST /eligibility/uploads</c>, NDJSON, <c>--upload-people</c> persons
/// per file, 10,000), waiting for each job. Reports rows (persons) per second; a job's duration
/// is recorded as "upload job". Only the server of docs/eligibility.md has this endpoint.
/// </summary>
public sealed class EligibilityImportScenario : IScenario
{
    private static readonly MediaTypeHeaderValue Ndjson = new("application/fhir+ndjson") { CharSet = "utf-8" };
    private readonly Lock gate = new();
    private IEnumerator<PeopleBatch>? batches;
    private long failedRows;

    public string Name => "import-eligibility";

    public string Description => "bulk upload of the population's Patient + Coverage (NDJSON jobs) for the eligibility checks";

    public bool Finite => true;

    public string? Note => Interlocked.Read(ref failedRows) == 0 ? null : $"{failedRows} rows were refused by the server";

    public async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = SyntheticImportScenario.GeneratorFrom(context.Options) with { QualificationsOnly = true };
        var generator = new DatasetGenerator(options);
        var json = new FhirJson();
        foreach (var chunk in generator.Registry.Insurers.Select(i => SharedResources.Insurer(json, i)).Chunk(500))
        {
            var response = await context.SendAsync("insurers", HttpMethod.Post, "", TransactionBundle.ToBytes(chunk), cancellationToken);
            if (!response.IsSuccess)
            {
                return $"loading the insurers answered HTTP {response.Status}";
            }
        }

        var probe = await context.SendAsync(null, HttpMethod.Get, "/eligibility/uploads/probe", null, cancellationToken, 404);
        if (probe.Status != 404)
        {
            return $"the server has no eligibility uploads (GET /eligibility/uploads/probe answered {probe.Status})";
        }

        batches = generator.PeopleBatches(context.Options.IntSetting("upload-people", 10_000)).GetEnumerator();
        return null;
    }

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        PeopleBatch batch;
        lock (gate)
        {
            if (batches is null || !batches.MoveNext())
            {
                return false;
            }

            batch = batches.Current;
        }

        var file = new MemoryStream();
        foreach (var resource in batch.Resources)
        {
            file.Write(resource.Json);
            file.WriteByte((byte)'\n');
        }

        var started = Stopwatch.GetTimestamp();
        var submitted = await context.SendAsync("upload", HttpMethod.Post, "/eligibility/uploads", file.ToArray(), Ndjson, cancellationToken);
        if (!submitted.IsSuccess || submitted.Location is not { } location)
        {
            return true;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(500, cancellationToken);
            var poll = await context.SendAsync(null, HttpMethod.Get, location + "?count=1", null, cancellationToken);
            if (!poll.IsSuccess)
            {
                continue;
            }

            using var job = JsonDocument.Parse(poll.Body);
            var status = job.RootElement.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                var failed = job.RootElement.GetProperty("failed").GetInt32();
                Interlocked.Add(ref failedRows, failed);
                context.Recorder.Record("upload job", Stopwatch.GetTimestamp() - started, status == "completed" ? 200 : 500, status != "completed",
                    status == "completed" ? null : "job failed: " + Encoding.UTF8.GetString(poll.Body));
                context.Recorder.AddResources(job.RootElement.GetProperty("succeeded").GetInt32());
                return true;
            }
        }

        return false;
    }
}
