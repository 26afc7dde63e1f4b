namespace Kakehashi.Bench.Runner;

/// <summary>Per-worker state: its index, a deterministic random stream and the iterations done.</summary>
public sealed class WorkerState(int index, ulong seed)
{
    public int Index { get; } = index;

    public Generate.DeterministicRandom Random { get; } = Generate.DeterministicRandom.For(seed, "worker", index);

    public long Iterations { get; set; }
}
