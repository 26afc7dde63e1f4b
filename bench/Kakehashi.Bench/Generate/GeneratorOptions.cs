namespace Kakehashi.Bench.Generate;

/// <summary>What to generate. The same options always give the same bytes.</summary>
public sealed record GeneratorOptions
{
    public long People { get; init; } = 1000;

    public ulong Seed { get; init; } = 42;

    /// <summary>Years of history before <see cref="AsOf"/>.</summary>
    public int Years { get; init; } = 3;

    /// <summary>The end of the history (fixed, not today, so that a seed means one dataset).</summary>
    public DateOnly AsOf { get; init; } = new(2025, 12, 31);

    /// <summary>Prefix of every id; defaults to "s{seed}" so that datasets of two seeds can share a server.</summary>
    public string? IdPrefix { get; init; }

    public string Prefix => IdPrefix ?? "s" + Seed;

    /// <summary>
    /// Each person's Patient and Coverage only (the eligibility data), the same bytes as in the full
    /// dataset: they are written before anything else is drawn from the person's stream.
    /// </summary>
    public bool QualificationsOnly { get; init; }
}
