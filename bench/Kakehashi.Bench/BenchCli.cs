using System.Globalization;
using Kakehashi.Bench.Generate;
using Kakehashi.Bench.Runner;
using Kakehashi.Bench.Scenarios;

namespace Kakehashi.Bench;

/// <summary>The command line: generate, run, list.</summary>
public static class BenchCli
{
    // An explicit Main (no top-level statements): a test project referencing both this and the
    // server would otherwise see two types named Program.
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public const string Usage = """
        kakehashi-bench generate [--people 1000] [--seed 42] [--years 3] [--as-of 2025-12-31]
                                 [--out bench/data/s42-1000] [--format ndjson,bundles] [--gzip] [--people-per-bundle 1]
        kakehashi-bench run      [--base-url http://localhost:8080/fhir] [--scenarios crud,read,search,everything]
                                 [--concurrency 8] [--duration 30] [--warmup 5] [--server-pid PID | --metrics-url URL]
                                 [--label NAME] [--out bench/results] [--no-save]
                                 import-synthea:   [--synthea PATH] [--synthea-limit N]
                                 import-synthetic: [--people N --seed S --years Y --people-per-bundle K | --dataset DIR]
        kakehashi-bench list     (the scenarios)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        try
        {
            var rest = args[1..];
            switch (args[0])
            {
                case "generate":
                    Generate(BenchOptions.ParseSettings(rest), output, error);
                    return 0;
                case "run":
                    var options = BenchOptions.Parse(rest);
                    var report = await new BenchRunner(options, output).RunAsync();
                    if (!options.NoSave)
                    {
                        var (json, markdown) = ReportWriter.Save(report, options.OutputDirectory);
                        output.WriteLine($"saved {json} and {markdown}");
                    }

                    return report.Scenarios.Any(s => s.Status == "failed") ? 2 : 0;
                case "list":
                    foreach (var (name, factory) in ScenarioCatalog.All)
                    {
                        output.WriteLine($"{name,-18} {factory().Description}");
                    }

                    return 0;
                default:
                    error.WriteLine($"Unknown command '{args[0]}'.\n{Usage}");
                    return 1;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    private static void Generate(Dictionary<string, string> settings, TextWriter output, TextWriter error)
    {
        var options = SyntheticImportScenario.GeneratorFrom(new BenchOptions { Settings = settings });
        var directory = settings.GetValueOrDefault("out") ?? Path.Combine("bench", "data", $"s{options.Seed}-{options.People}");
        var formats = DatasetFormats.None;
        foreach (var format in (settings.GetValueOrDefault("format") ?? "ndjson,bundles").Split(','))
        {
            formats |= format.Trim() switch
            {
                "ndjson" => DatasetFormats.Ndjson,
                "bundles" => DatasetFormats.Bundles,
                _ => throw new ArgumentException($"Unknown format '{format}': ndjson or bundles"),
            };
        }

        var perBundle = int.Parse(settings.GetValueOrDefault("people-per-bundle") ?? "1", CultureInfo.InvariantCulture);
        var summary = DatasetWriter.Generate(new DatasetGenerator(options), directory, formats, settings.ContainsKey("gzip"), perBundle, error);
        output.WriteLine($"{summary.Resources:N0} resources of {options.People:N0} people in {summary.Seconds:N1}s ({summary.Resources / Math.Max(0.001, summary.Seconds):N0} resources/s) → {directory}");
        foreach (var (type, count) in summary.ResourcesByType.OrderByDescending(c => c.Value))
        {
            output.WriteLine($"  {type,-22} {count,12:N0}");
        }
    }
}
