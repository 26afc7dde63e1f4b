namespace Kakehashi.Bench.Runner;

/// <summary>Latency and errors of one kind of request (milliseconds).</summary>
public sealed record OperationResult(string Name, long Requests, long Errors, Dictionary<string, long> ErrorsByStatus, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

/// <summary>The outcome of one scenario.</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>"ok", "errors" (some requests failed), "unsupported" (the server lacks the feature) or "failed".</summary>
    public required string Status { get; init; }

    public string? Note { get; init; }

    public int Concurrency { get; init; }

    public double Seconds { get; init; }

    public long Requests { get; init; }

    public long Errors { get; init; }

    public double RequestsPerSecond { get; init; }

    /// <summary>For imports: resources written per second.</summary>
    public double? ResourcesPerSecond { get; init; }

    public long? Resources { get; init; }

    /// <summary>Largest resident set of the server seen while the scenario ran (MiB), when known.</summary>
    public double? ServerPeakRssMiB { get; init; }

    /// <summary>The server's lifetime peak resident set (VmHWM) at the end of the scenario (MiB).</summary>
    public double? ServerHighWaterMiB { get; init; }

    /// <summary>The 1-minute load average when the timed run started (other work on the machine).</summary>
    public string? LoadAtStart { get; init; }

    public IReadOnlyList<OperationResult> Operations { get; init; } = [];

    public IReadOnlyList<string> ErrorSamples { get; init; } = [];
}

/// <summary>Where and when the run happened.</summary>
public sealed record MachineInfo(string Host, string Os, string Cpu, int Cores, string Runtime, string? LoadAverage);

/// <summary>Everything a run measured; saved as JSON and Markdown.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string Label { get; init; }

    public required string BaseUrl { get; init; }

    public string? Commit { get; init; }

    public required MachineInfo Machine { get; init; }

    public required int Concurrency { get; init; }

    public required double DurationSeconds { get; init; }

    public required double WarmupSeconds { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public List<ScenarioResult> Scenarios { get; init; } = [];
}
