using System.Globalization;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// Reads the server's memory: VmRSS / VmHWM from /proc/&lt;pid&gt;/status (same machine), or one
/// gauge of a Prometheus-style metrics endpoint. Sampled while a scenario runs to catch its peak.
/// </summary>
public sealed class ServerMemoryProbe(BenchOptions options, HttpClient metricsClient)
{
    public bool Available => options.ServerPid is not null || options.MetricsUrl is not null;

    /// <summary>(current resident set, lifetime peak) in MiB; null parts when unknown.</summary>
    public async Task<(double? Rss, double? HighWater)> ReadAsync(CancellationToken cancellationToken)
    {
        if (options.ServerPid is { } pid)
        {
            var path = $"/proc/{pid}/status";
            if (!File.Exists(path))
            {
                return (null, null);
            }

            double? rss = null, hwm = null;
            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line) / 1024.0;
                }
            }

            return (rss, hwm);
        }

        if (options.MetricsUrl is { } url)
        {
            try
            {
                var text = await metricsClient.GetStringAsync(url, cancellationToken);
                foreach (var line in text.Split('\n'))
                {
                    if (line.StartsWith(options.MetricsName, StringComparison.Ordinal) && !line.StartsWith('#'))
                    {
                        var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                        return (value / (1024 * 1024), null);
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Memory is a nice-to-have: a missing endpoint must not fail the run.
            }
        }

        return (null, null);
    }

    /// <summary>Samples every 250 ms until cancelled; returns the largest resident set seen.</summary>
    public async Task<double?> SamplePeakAsync(CancellationToken stop)
    {
        double? peak = null;
        while (!stop.IsCancellationRequested)
        {
            var (rss, _) = await ReadAsync(CancellationToken.None);
            if (rss is { } r && (peak is null || r > peak))
            {
                peak = r;
            }

            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
