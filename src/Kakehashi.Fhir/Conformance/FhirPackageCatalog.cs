using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// The FHIR packages (npm-style <c>.tgz</c> with a <c>package/</c> folder) found in a folder,
/// indexed by canonical URL. Each package is unpacked once into a cache folder keyed by its
/// content hash, with an index file beside it, so a restart reads a few kilobytes of index
/// instead of parsing every resource; resources are parsed only when a validation or a
/// terminology operation asks for them.
/// </summary>
public sealed class FhirPackageCatalog
{
    private const string IndexFileName = ".kakehashi-index.json";
    private static readonly string[] ConformanceTypes =
    [
        "StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "SearchParameter", "NamingSystem",
        "ImplementationGuide", "CapabilityStatement", "OperationDefinition",
    ];

    private readonly Dictionary<string, PackageResource> byUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PackageResource> byUrlLast = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PackageResource> byUrlAndVersion = new(StringComparer.Ordinal);

    private FhirPackageCatalog(IReadOnlyList<string> packages, IReadOnlyList<PackageResource> resources, TimeSpan loadTime)
    {
        Packages = packages;
        Resources = resources;
        LoadTime = loadTime;
        foreach (var resource in resources)
        {
            if (resource.Url is null)
            {
                continue;
            }

            // The first package wins for an unversioned URL, so the folder's order (by name) decides; a versioned reference finds its own.
            byUrl.TryAdd(resource.Url, resource);
            byUrlLast[resource.Url] = resource;
            if (resource.Version is not null)
            {
                byUrlAndVersion.TryAdd(resource.Url + "|" + resource.Version, resource);
            }
        }
    }

    /// <summary>An empty catalog (no package folder).</summary>
    public static FhirPackageCatalog Empty { get; } = new([], [], TimeSpan.Zero);

    /// <summary>Names and versions of the loaded packages, in load order.</summary>
    public IReadOnlyList<string> Packages { get; }

    public IReadOnlyList<PackageResource> Resources { get; }

    /// <summary>How long indexing took (unpacking on a first start, reading the index afterwards).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>True when some canonical URL is defined by more than one package (JP Core and its <c>-url</c> variant).</summary>
    public bool HasVariants => byUrl.Any(p => !ReferenceEquals(p.Value, byUrlLast[p.Key]));

    /// <summary>
    /// Finds a resource by canonical URL, optionally with <c>|version</c>. When several packages
    /// define the URL, the first package (by file name) wins, or the last with <paramref name="preferLast"/>.
    /// </summary>
    public PackageResource? Find(string canonical, bool preferLast = false)
    {
        var urls = preferLast ? byUrlLast : byUrl;
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return urls.GetValueOrDefault(canonical);
        }

        return byUrlAndVersion.GetValueOrDefault(canonical) ?? urls.GetValueOrDefault(canonical[..bar]);
    }

    public IEnumerable<PackageResource> OfType(string resourceType) => Resources.Where(r => r.ResourceType == resourceType);

    /// <summary>Indexes every <c>.tgz</c> in <paramref name="packageFolder"/> (sorted by file name), unpacking into <paramref name="cacheFolder"/> when needed.</summary>
    public static FhirPackageCatalog Load(string packageFolder, string cacheFolder)
    {
        var watch = Stopwatch.StartNew();
        if (!Directory.Exists(packageFolder))
        {
            throw new DirectoryNotFoundException($"The FHIR package folder '{packageFolder}' does not exist.");
        }

        var packages = new List<string>();
        var resources = new List<PackageResource>();
        foreach (var file in Directory.GetFiles(packageFolder, "*.tgz").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
        {
            var (name, entries) = LoadPackage(file, cacheFolder);
            packages.Add(name);
            resources.AddRange(entries);
        }

        return new FhirPackageCatalog(packages, resources, watch.Elapsed);
    }

    private static (string Name, List<PackageResource> Entries) LoadPackage(string file, string cacheFolder)
    {
        string hash;
        using (var stream = File.OpenRead(file))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
        }

        var directory = Path.Combine(cacheFolder, Path.GetFileNameWithoutExtension(file) + "-" + hash);
        var indexFile = Path.Combine(directory, IndexFileName);
        if (!File.Exists(indexFile))
        {
            Unpack(file, cacheFolder, directory);
        }

        var index = JsonSerializer.Deserialize<PackageIndex>(File.ReadAllBytes(indexFile))
            ?? throw new InvalidDataException($"The package index '{indexFile}' is empty.");
        var entries = index.Entries
            .Select(e => new PackageResource(e.ResourceType, e.Url, e.Version, e.Id, index.Name, Path.Combine(directory, e.File)))
            .ToList();
        return (index.Name, entries);
    }

    private static void Unpack(string file, string cacheFolder, string directory)
    {
        Directory.CreateDirectory(cacheFolder);
        var temporary = directory + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temporary);
        var entries = new List<PackageIndexEntry>();
        var name = Path.GetFileNameWithoutExtension(file);
        using (var stream = File.OpenRead(file))
        using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                // Only the package's own top-level files: examples and other sub-folders are not conformance content.
                var path = entry.Name.Replace('\\', '/');
                if (!path.StartsWith("package/", StringComparison.Ordinal) || path.IndexOf('/', 8) >= 0 || !path.EndsWith(".json", StringComparison.Ordinal))
                {
                    continue;
                }

                var fileName = Path.GetFileName(path);
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (fileName == "package.json")
                {
                    name = PackageName(bytes) ?? name;
                    continue;
                }

                var summary = Summarize(bytes);
                if (summary is null || !ConformanceTypes.Contains(summary.Value.ResourceType))
                {
                    continue;
                }

                File.WriteAllBytes(Path.Combine(temporary, fileName), bytes);
                entries.Add(new PackageIndexEntry(summary.Value.ResourceType, summary.Value.Url, summary.Value.Version, summary.Value.Id ?? Path.GetFileNameWithoutExtension(fileName), fileName));
            }
        }

        File.WriteAllBytes(Path.Combine(temporary, IndexFileName), JsonSerializer.SerializeToUtf8Bytes(new PackageIndex(name, entries)));
        try
        {
            Directory.Move(temporary, directory);
        }
        catch (IOException) when (File.Exists(Path.Combine(directory, IndexFileName)))
        {
            // Another process unpacked the same package first; its copy is identical.
            Directory.Delete(temporary, recursive: true);
        }
    }

    private static string? PackageName(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var name = root.TryGetProperty("name", out var n) ? n.GetString() : null;
        var version = root.TryGetProperty("version", out var v) ? v.GetString() : null;
        return name is null ? null : version is null ? name : name + "#" + version;
    }

    private static (string ResourceType, string? Url, string? Version, string? Id)? Summarize(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var type))
            {
                return null;
            }

            static string? Text(JsonElement root, string name) =>
                root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (type.GetString()!, Text(root, "url"), Text(root, "version"), Text(root, "id"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record PackageIndex(string Name, List<PackageIndexEntry> Entries);

    private sealed record PackageIndexEntry(string ResourceType, string? Url, string? Version, string Id, string File);
}
