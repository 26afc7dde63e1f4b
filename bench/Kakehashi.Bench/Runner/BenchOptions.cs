using System.Globalization;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// Settings of a run. Everything given on the command line is also kept in <see cref="Settings"/>,
/// so that a scenario can read its own options (e.g. <c>--synthea</c>) without touching this type.
/// </summary>
public sealed record BenchOptions
{
    public string BaseUrl { get; init; } = "http://localhost:8080/fhir";

    public IReadOnlyList<string> Scenarios { get; init; } = ["crud", "read", "search", "everything"];

    public int Concurrency { get; init; } = 8;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unrecorded run before each timed scenario (JIT, connection pools, caches).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public int? ServerPid { get; init; }

    /// <summary>A Prometheus-style text endpoint to read the server's memory from, when there is no pid.</summary>
    public string? MetricsUrl { get; init; }

    public string MetricsName { get; init; } = "process_working_set_bytes";

    public string OutputDirectory { get; init; } = Path.Combine("bench", "results");

    /// <summary>Free text naming the set-up, e.g. "postgres"; part of the result file names.</summary>
    public string Label { get; init; } = "run";

    /// <summary>Does not write result files (the smoke test).</summary>
    public bool NoSave { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public string? Setting(string name) => Settings.TryGetValue(name, out var value) ? value : null;

    public int IntSetting(string name, int fallback) => Setting(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public long LongSetting(string name, long fallback) => Setting(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Parses <c>--name value</c> pairs (and bare <c>--flag</c>s, which become "true").</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var settings = ParseSettings(args);
        var options = new BenchOptions { Settings = settings };
        string? Get(string name) => settings.TryGetValue(name, out var v) ? v : null;
        return options with
        {
            BaseUrl = (Get("base-url") ?? options.BaseUrl).TrimEnd('/'),
            Scenarios = Get("scenarios") is { } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : options.Scenarios,
            Concurrency = Get("concurrency") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : options.Concurrency,
            Duration = Get("duration") is { } d ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : options.Duration,
            Warmup = Get("warmup") is { } w ? TimeSpan.FromSeconds(double.Parse(w, CultureInfo.InvariantCulture)) : options.Warmup,
            RequestTimeout = Get("timeout") is { } t ? TimeSpan.FromSeconds(double.Parse(t, CultureInfo.InvariantCulture)) : options.RequestTimeout,
            ServerPid = Get("server-pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null,
            MetricsUrl = Get("metrics-url"),
            MetricsName = Get("metrics-name") ?? options.MetricsName,
            OutputDirectory = Get("out") ?? options.OutputDirectory,
            Label = Get("label") ?? options.Label,
            NoSave = Get("no-save") == "true",
        };
    }

    public static Dictionary<string, string> ParseSettings(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': options are --name value");
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                settings[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                settings[name] = args[++i];
            }
            else
            {
                settings[name] = "true";
            }
        }

        return settings;
    }
}
