using System.Formats.Tar;
using System.IO.Compression;

namespace Kakehashi.Server.Tests.Support;

/// <summary>Third-party data shipped with the tests (tests/data), found from the test binary's folder.</summary>
public static class TestData
{
    public static string Path(params string[] relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            var candidate = System.IO.Path.Combine([directory.FullName, "tests", "data", .. relative]);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        throw new FileNotFoundException("Test data not found: tests/data/" + string.Join('/', relative));
    }

    /// <summary>The 150 Synthea transaction Bundles, as (file name, JSON text).</summary>
    public static IEnumerable<(string Name, string Json)> SyntheaBundles()
    {
        using var file = File.OpenRead(Path("synthea", "synthea-r4-150.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                using var reader = new StreamReader(entry.DataStream!);
                yield return (entry.Name, reader.ReadToEnd());
            }
        }
    }
}
