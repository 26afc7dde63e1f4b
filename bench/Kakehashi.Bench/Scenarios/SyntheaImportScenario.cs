using System.Formats.Tar;
using System.IO.Compression;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Imports the Synthea transaction Bundles (POST entries with urn:uuid references) from
/// tests/data/synthea/synthea-r4-150.tar.gz, or --synthea PATH; --synthea-limit N stops after N.
/// Each import adds new resources (POST), so a second run doubles the data.
/// </summary>
public sealed class SyntheaImportScenario : TransactionImport
{
    public const string DefaultArchive = "tests/data/synthea/synthea-r4-150.tar.gz";

    public override string Name => "import-synthea";

    public override string Description => "transaction-bundle import of the Synthea patients (POST + urn:uuid)";

    public override Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var path = context.Options.Setting("synthea") ?? FindUpwards(DefaultArchive) ?? FindUpwards("../shared/synthea/synthea-r4-150.tar.gz");
        if (path is null || !File.Exists(path))
        {
            return Task.FromResult<string?>($"Synthea archive not found ({path ?? DefaultArchive}); pass --synthea PATH");
        }

        var limit = context.Options.IntSetting("synthea-limit", int.MaxValue);
        SetSource(ReadBundles(path).Take(limit));
        return Task.FromResult<string?>(null);
    }

    /// <summary>Looks for a relative path from the working directory and the program's folder upwards.</summary>
    public static string? FindUpwards(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, relative));
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<byte[]> ReadBundles(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.Name.EndsWith(".json", StringComparison.Ordinal) && entry.DataStream is { } data)
            {
                using var memory = new MemoryStream();
                data.CopyTo(memory);
                yield return memory.ToArray();
            }
        }
    }
}
