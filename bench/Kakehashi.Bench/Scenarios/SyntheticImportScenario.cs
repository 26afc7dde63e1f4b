using System.Globalization;
using System.IO.Compression;
using Kakehashi.Bench.Generate;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Imports the synthetic Japanese population as transaction Bundles of PUT entries: generated on
/// the fly (--people N --seed S --years Y --people-per-bundle K) or read from a generated folder
/// (--dataset DIR, its bundles.ndjson[.gz]). Loading again only adds versions. The shared
/// Bundles (insurers, institutions) are committed one after the other before the people's start:
/// a Coverage names its insurer, which the server requires to be registered already.
/// </summary>
public sealed class SyntheticImportScenario : TransactionImport
{
    private static readonly string[] BundleFiles = ["bundles.ndjson", "bundles.ndjson.gz"];

    public override string Name => "import-synthetic";

    public override string Description => "transaction-bundle import of the synthetic Japanese population (PUT)";

    public override async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        IEnumerable<byte[]> bundles;
        if (options.Setting("dataset") is { } directory)
        {
            var path = BundleFiles.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                return $"no bundles.ndjson in {directory}; generate with: kakehashi-bench generate --out {directory}";
            }

            bundles = ReadLines(path);
        }
        else
        {
            var generator = new DatasetGenerator(GeneratorFrom(options));
            var perBundle = options.IntSetting("people-per-bundle", 1);
            bundles = generator.SharedBatches().Select(TransactionBundle.ToBytes)
                .Concat(generator.PeopleBatches(perBundle).Select(b => TransactionBundle.ToBytes(b.Resources)));
        }

        // The dataset writes the shared Bundles first; the first Bundle with a Patient starts the people.
        var rest = bundles.GetEnumerator();
        while (rest.MoveNext())
        {
            if (HasPatient(rest.Current))
            {
                SetSource(Prepend(rest.Current, rest));
                return null;
            }

            var response = await context.SendAsync("shared", HttpMethod.Post, "", rest.Current, cancellationToken);
            if (!response.IsSuccess)
            {
                return $"loading the shared resources (insurers, institutions) answered HTTP {response.Status}";
            }
        }

        SetSource([]);
        return null;
    }

    private static bool HasPatient(byte[] bundle) => bundle.AsSpan().IndexOf("\"resourceType\":\"Patient\""u8) >= 0;

    private static IEnumerable<byte[]> Prepend(byte[] first, IEnumerator<byte[]> rest)
    {
        yield return first;
        while (rest.MoveNext())
        {
            yield return rest.Current;
        }
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
