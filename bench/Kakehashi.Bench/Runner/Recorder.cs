using System.Collections.Concurrent;
using System.Diagnostics;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// Latencies and errors per operation name. Every latency is kept (a 60 s run at a few thousand
/// requests/s is a few MB), so percentiles are exact rather than bucketed.
/// </summary>
public sealed class Recorder
{
    private const int MaxErrorSamples = 10;
    private readonly ConcurrentDictionary<string, OperationLog> operations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> errorSamples = new();
    private long resources;
    private volatile bool enabled = true;

    public bool Enabled
    {
        get => enabled;
        set => enabled = value;
    }

    /// <summary>Resources written by import scenarios (for resources/s).</summary>
    public long Resources => Interlocked.Read(ref resources);

    public void AddResources(long count)
    {
        if (enabled)
        {
            Interlocked.Add(ref resources, count);
        }
    }

    public void Record(string operation, long elapsedTimestamp, int status, bool error, string? errorDetail = null)
    {
        if (!enabled)
        {
            return;
        }

        operations.GetOrAdd(operation, _ => new OperationLog()).Add(elapsedTimestamp, status, error);
        if (error && errorSamples.Count < MaxErrorSamples && errorDetail is not null)
        {
            errorSamples.Enqueue($"{operation}: {errorDetail}");
        }
    }

    public void Reset()
    {
        operations.Clear();
        errorSamples.Clear();
        Interlocked.Exchange(ref resources, 0);
    }

    public IReadOnlyList<string> ErrorSamples => errorSamples.ToArray();

    public List<OperationResult> Summarize() =>
        operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Value.Summarize(o.Key)).ToList();

    private sealed class OperationLog
    {
        private readonly Lock gate = new();
        private readonly List<long> latencies = new(1024);
        private readonly Dictionary<int, long> errorsByStatus = [];
        private long errors;

        public void Add(long elapsed, int status, bool error)
        {
            lock (gate)
            {
                latencies.Add(elapsed);
                if (error)
                {
                    errors++;
                    errorsByStatus[status] = errorsByStatus.GetValueOrDefault(status) + 1;
                }
            }
        }

        public OperationResult Summarize(string name)
        {
            lock (gate)
            {
                var sorted = latencies.ToArray();
                Array.Sort(sorted);
                double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 2);
                double Percentile(double p) => sorted.Length == 0 ? 0 : Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
                return new OperationResult(
                    name,
                    sorted.Length,
                    errors,
                    errorsByStatus.ToDictionary(e => e.Key == 0 ? "exception" : e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), e => e.Value),
                    sorted.Length == 0 ? 0 : Math.Round(sorted.Average(t => t * 1000.0 / Stopwatch.Frequency), 2),
                    Percentile(0.50),
                    Percentile(0.95),
                    Percentile(0.99),
                    sorted.Length == 0 ? 0 : Ms(sorted[^1]));
            }
        }
    }
}
