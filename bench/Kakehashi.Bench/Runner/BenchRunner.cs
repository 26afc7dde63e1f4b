using System.Diagnostics;
using System.Net;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// Runs scenarios one after another at a fixed concurrency: prepare, warm up (not recorded), then
/// a timed run of N workers each looping over the scenario's iteration, while the server's memory
/// is sampled.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter log)
{
    /// <summary>Runs against <see cref="BenchOptions.BaseUrl"/>; <paramref name="handler"/> replaces the network (tests).</summary>
    public async Task<BenchReport> RunAsync(HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        using var client = CreateClient(handler);
        using var metricsClient = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var recorder = new Recorder();
        var context = new ScenarioContext(client, options, recorder);
        var memory = new ServerMemoryProbe(options, metricsClient);
        var report = new BenchReport
        {
            StartedAt = DateTimeOffset.Now,
            Label = options.Label,
            BaseUrl = options.BaseUrl,
            Commit = Environment.GetEnvironmentVariable("KAKEHASHI_BENCH_COMMIT") ?? GitCommit(),
            Machine = Machine(),
            Concurrency = options.Concurrency,
            DurationSeconds = options.Duration.TotalSeconds,
            WarmupSeconds = options.Warmup.TotalSeconds,
            Settings = options.Settings,
        };

        foreach (var name in options.Scenarios)
        {
            var scenario = ScenarioCatalog.Create(name);
            log.WriteLine($"== {scenario.Name}: {scenario.Description}");
            var result = await RunScenarioAsync(scenario, context, memory, cancellationToken);
            report.Scenarios.Add(result);
            log.WriteLine(ReportWriter.ScenarioLine(result));
        }

        return report;
    }

    private async Task<ScenarioResult> RunScenarioAsync(IScenario scenario, ScenarioContext context, ServerMemoryProbe memory, CancellationToken cancellationToken)
    {
        var recorder = context.Recorder;
        recorder.Reset();
        recorder.Enabled = false;
        string? unsupported;
        try
        {
            unsupported = await scenario.PrepareAsync(context, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(scenario, "prepare failed: " + e.Message);
        }

        if (unsupported is not null)
        {
            return new ScenarioResult { Name = scenario.Name, Description = scenario.Description, Status = "unsupported", Note = unsupported, Concurrency = options.Concurrency };
        }

        if (!scenario.Finite && options.Warmup > TimeSpan.Zero)
        {
            await RunWorkersAsync(scenario, context, options.Warmup, seedOffset: 1000, cancellationToken);
        }

        recorder.Reset();
        recorder.Enabled = true;
        using var stopSampling = new CancellationTokenSource();
        var sampling = memory.Available ? memory.SamplePeakAsync(stopSampling.Token) : Task.FromResult<double?>(null);
        var limit = scenario.Finite
            ? TimeSpan.FromSeconds(options.IntSetting("max-seconds", int.MaxValue / 1000))
            : options.Duration;
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        Exception? failure = null;
        try
        {
            await RunWorkersAsync(scenario, context, limit, seedOffset: 0, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failure = e;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        recorder.Enabled = false;
        await stopSampling.CancelAsync();
        var peak = await sampling;
        var (_, highWater) = memory.Available ? await memory.ReadAsync(cancellationToken) : (null, null);
        var operations = recorder.Summarize();
        var requests = operations.Sum(o => o.Requests);
        var errors = operations.Sum(o => o.Errors);
        var resources = recorder.Resources;
        if (scenario.Finite)
        {
            // An import changed the data: later scenarios sample again.
            context.InvalidateSample();
        }

        return new ScenarioResult
        {
            Name = scenario.Name,
            Description = scenario.Description,
            Status = failure is not null ? "failed" : errors > 0 ? "errors" : "ok",
            Note = failure?.Message ?? scenario.Note,
            Concurrency = options.Concurrency,
            Seconds = Math.Round(seconds, 2),
            Requests = requests,
            Errors = errors,
            RequestsPerSecond = Math.Round(requests / seconds, 1),
            Resources = resources > 0 ? resources : null,
            ResourcesPerSecond = resources > 0 ? Math.Round(resources / seconds, 1) : null,
            ServerPeakRssMiB = peak is { } p ? Math.Round(p, 1) : null,
            ServerHighWaterMiB = highWater is { } h ? Math.Round(h, 1) : null,
            Operations = operations,
            ErrorSamples = recorder.ErrorSamples,
            LoadAtStart = load,
        };
    }

    private async Task RunWorkersAsync(IScenario scenario, ScenarioContext context, TimeSpan limit, int seedOffset, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Math.Min(limit.TotalSeconds, 1e7) * Stopwatch.Frequency);
        var seed = (ulong)options.LongSetting("seed", 42) + (ulong)seedOffset;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async i =>
        {
            var worker = new WorkerState(i, seed);
            // Each worker loops on its own task; the iteration decides how many requests it makes.
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                if (!await scenario.RunOnceAsync(context, worker, cancellationToken))
                {
                    break;
                }

                worker.Iterations++;
            }
        }).ToArray();
        await Task.WhenAll(workers);
    }

    private ScenarioResult Failed(IScenario scenario, string note) =>
        new() { Name = scenario.Name, Description = scenario.Description, Status = "failed", Note = note, Concurrency = options.Concurrency };

    private HttpClient CreateClient(HttpMessageHandler? handler)
    {
        // A caller's handler (tests) stays the caller's to dispose.
        var ownsHandler = handler is null;
        handler ??= new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, options.Concurrency),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        if (ClientCredentialsTokenHandler.IsConfigured(options))
        {
            handler = new ClientCredentialsTokenHandler(options, handler);
        }

        return new HttpClient(handler, disposeHandler: ownsHandler)
        {
            BaseAddress = new Uri(options.BaseUrl + "/"),
            Timeout = options.RequestTimeout,
        };
    }

    private static MachineInfo Machine()
    {
        var cpu = "unknown";
        string? load = null;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            load = File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            // Not Linux: leave them unknown.
        }
        catch (UnauthorizedAccessException)
        {
            // Sandboxed: leave them unknown.
        }

        return new MachineInfo(Environment.MachineName, System.Runtime.InteropServices.RuntimeInformation.OSDescription, cpu, Environment.ProcessorCount, Environment.Version.ToString(), load);
    }

    private static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
