namespace Kakehashi.Bench.Runner;

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
