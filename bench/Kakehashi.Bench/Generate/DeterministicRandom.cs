namespace Kakehashi.Bench.Generate;

/// <summary>
/// SplitMix64. A dataset must be the same for a seed on every machine and every .NET version,
/// which <see cref="System.Random"/> does not promise; SplitMix64 is fixed by its definition.
/// Each person gets its own stream (<see cref="For"/>), so person N never depends on how many
/// values persons 0..N-1 consumed and generation can be split or resumed anywhere.
/// </summary>
public sealed class DeterministicRandom(ulong seed)
{
    private ulong state = seed;

    /// <summary>The SplitMix64 finalizer: a bijection on 64 bits, so distinct inputs give distinct outputs.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A stream for one purpose (<paramref name="stream"/>) and one item of it.</summary>
    public static DeterministicRandom For(ulong seed, string stream, long index) =>
        new(Mix(seed ^ Mix(StableHash(stream) + (ulong)index)));

    /// <summary>FNV-1a: string.GetHashCode is randomized per process.</summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>0 ≤ result &lt; <paramref name="maxExclusive"/> (modulo bias below 2^-30 is irrelevant here).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)((NextUInt64() >> 1) % (ulong)maxExclusive);

    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Picks an index with probability proportional to its weight.</summary>
    public int PickWeighted(IReadOnlyList<double> weights, double total)
    {
        var x = NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }

    public double Normal(double mean, double standardDeviation)
    {
        // Box-Muller; 1 - u keeps the logarithm finite.
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return mean + standardDeviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Knuth's method; fine for the small means used here (visits per year).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit && k < 1000)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }
}
