namespace Kakehashi.Bench.Runner;

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
