namespace Kakehashi.Fhir.Tests.Conformance;

/// <summary>The JP packages shipped with the server and the JP examples kept as test data, found from the test binary's folder.</summary>
public static class JpData
{
    public static string RepositoryPath(params string[] relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            var candidate = Path.Combine([directory.FullName, .. relative]);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        throw new FileNotFoundException("Not found: " + string.Join('/', relative));
    }

    public static string PackageFolder => RepositoryPath("src", "Kakehashi.Server", "packages");

    public static string CacheFolder => Path.Combine(Path.GetTempPath(), "kakehashi-packages");

    /// <summary>Every example, as a path relative to tests/data/jpdata/examples.</summary>
    public static IEnumerable<string> Examples()
    {
        var root = RepositoryPath("tests", "data", "jpdata", "examples");
        return Directory.GetFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    public static string ExampleText(string relative) =>
        File.ReadAllText(Path.Combine(RepositoryPath("tests", "data", "jpdata", "examples"), relative));
}
