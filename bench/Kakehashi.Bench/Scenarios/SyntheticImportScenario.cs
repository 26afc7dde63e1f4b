using System.Globalization;
using System.IO.Compression;
using Kakehashi.Bench.Generate;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Imports the synthetic Japanese population as transaction Bundles of PUT entries: generated on
/// the fly (--people N --seed S --years Y --people-per-bundle K) or read from a generated folder
/// (--dataset DIR, its bundles.ndjson[.gz]). Loading again only adds versions.
/// </summary>
public sealed class SyntheticImportScenario : TransactionImport
{
    private static readonly string[] BundleFiles = ["bundles.ndjson", "bundles.ndjson.gz"];

    public override string Name => "import-synthetic";

    public override string Description => "transaction-bundle import of the synthetic Japanese population (PUT)";

    public override Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        if (options.Setting("dataset") is { } directory)
        {
            var path = BundleFiles.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                return Task.FromResult<string?>($"no bundles.ndjson in {directory}; generate with: kakehashi-bench generate --out {directory}");
            }

            SetSource(ReadLines(path));
            return Task.FromResult<string?>(null);
        }

        var generator = new DatasetGenerator(GeneratorFrom(options));
        var perBundle = options.IntSetting("people-per-bundle", 1);
        SetSource(generator.SharedBatches().Select(TransactionBundle.ToBytes)
            .Concat(generator.PeopleBatches(perBundle).Select(b => TransactionBundle.ToBytes(b.Resources))));
        return Task.FromResult<string?>(null);
    }

    public static GeneratorOptions GeneratorFrom(BenchOptions options) => new()
    {
        People = options.LongSetting("people", 1000),
        Seed = (ulong)options.LongSetting("seed", 42),
        Years = options.IntSetting("years", 3),
        AsOf = options.Setting("as-of") is { } asOf ? DateOnly.Parse(asOf, CultureInfo.InvariantCulture) : new GeneratorOptions().AsOf,
    };

    private static IEnumerable<byte[]> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return System.Text.Encoding.UTF8.GetBytes(line);
            }
        }
    }
}
