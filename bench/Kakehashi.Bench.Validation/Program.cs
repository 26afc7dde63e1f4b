using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Fhir.Validation;

// Validation throughput (resources/s) and memory: the JP examples against their declared
// profiles, and a sample of Synthea resources against the core R4 definitions.
//   dotnet run -c Release --project bench/Kakehashi.Bench.Validation -- [--synthea N] [--rounds R] [--threads T]
var repo = FindRepository();
var syntheaLimit = Option("--synthea", 3000);
var rounds = Option("--rounds", 5);
var threads = Option("--threads", 1);
var cache = Path.Combine(Path.GetTempPath(), "kakehashi-bench-packages-" + Guid.NewGuid().ToString("N")[..8]);

var watch = Stopwatch.StartNew();
var catalog = FhirPackageCatalog.Load(Path.Combine(repo, "src", "Kakehashi.Server", "packages"), cache);
var cold = watch.Elapsed;
watch.Restart();
catalog = FhirPackageCatalog.Load(Path.Combine(repo, "src", "Kakehashi.Server", "packages"), cache);
var warm = watch.Elapsed;
Console.WriteLine($"packages: {catalog.Packages.Count} ({catalog.Resources.Count} conformance resources); index cold {cold.TotalMilliseconds:F0} ms (unpack), warm {warm.TotalMilliseconds:F0} ms (read index)");

var aliases = new CodeSystemAliases();
var resolver = new ConformanceResolver(catalog, null, aliases);
watch.Restart();
var namingSystems = await NamingSystemLoader.LoadPackagedAsync(resolver);
Console.WriteLine($"aliases: {namingSystems} NamingSystems in {watch.ElapsedMilliseconds} ms");
var validator = new ProfileValidator(resolver, new TerminologyService(resolver));

var parser = new FhirJsonDeserializer(new DeserializerSettings());
var examples = Directory.GetFiles(Path.Combine(repo, "tests", "data", "jpdata", "examples"), "*.json", SearchOption.AllDirectories)
    .Order(StringComparer.Ordinal).Select(f => parser.DeserializeResource(File.ReadAllText(f))).ToList();
var synthea = SyntheaResources(Path.Combine(repo, "tests", "data", "synthea", "synthea-r4-150.tar.gz"), syntheaLimit).Select(parser.DeserializeResource).ToList();
Console.WriteLine($"inputs: {examples.Count} JP examples, {synthea.Count} Synthea resources; {rounds} rounds, {threads} thread(s)");

Run("JP examples", examples);
if (args.Contains("--slowest"))
{
    var timed = examples.Select(r => { var t = Stopwatch.StartNew(); validator.Validate(r); return (r, t.Elapsed.TotalMilliseconds); }).OrderByDescending(x => x.TotalMilliseconds).Take(8);
    foreach (var (r, ms) in timed)
    {
        Console.WriteLine($"  {ms,8:F0} ms  {r.TypeName}/{r.Id} ({string.Join(",", r.Meta?.Profile ?? [])})");
    }
}

Run("Synthea sample", synthea);
Console.WriteLine($"compiled schemas cached: {validator.CachedSchemas}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
Directory.Delete(cache, recursive: true);
return;

void Run(string name, List<Resource> resources)
{
    GC.Collect();
    var before = GC.GetTotalMemory(true);
    var first = Stopwatch.StartNew();
    var firstTimes = new List<(Resource Resource, double Milliseconds)>();
    var errors = 0;
    foreach (var resource in resources)
    {
        var one = Stopwatch.StartNew();
        errors += ProfileValidator.HasErrors(validator.Validate(resource)) ? 1 : 0;
        firstTimes.Add((resource, one.Elapsed.TotalMilliseconds));
    }

    first.Stop();
    if (args.Contains("--slowest"))
    {
        foreach (var (r, ms) in firstTimes.OrderByDescending(x => x.Milliseconds).Take(8))
        {
            Console.WriteLine($"  first {ms,8:F0} ms  {r.TypeName}/{r.Id} ({string.Join(",", r.Meta?.Profile ?? [])})");
        }
    }

    var steady = new List<double>();
    long peakHeap = 0;
    for (var round = 0; round < rounds; round++)
    {
        var timer = Stopwatch.StartNew();
        Parallel.ForEach(resources, new ParallelOptions { MaxDegreeOfParallelism = threads }, r => validator.Validate(r));
        timer.Stop();
        steady.Add(resources.Count / timer.Elapsed.TotalSeconds);
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
    }

    GC.Collect();
    var after = GC.GetTotalMemory(true);
    Console.WriteLine($"{name}: first pass (compiling profiles) {resources.Count / first.Elapsed.TotalSeconds:F0} resources/s ({first.Elapsed.TotalSeconds:F1} s, {errors} with errors); " +
        $"steady {steady.Average():F0} resources/s (min {steady.Min():F0}, max {steady.Max():F0}); " +
        $"managed heap {before / (1024 * 1024)} -> {after / (1024 * 1024)} MiB after, peak {peakHeap / (1024 * 1024)} MiB; working set peak {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
}

static IEnumerable<string> SyntheaResources(string archive, int limit)
{
    using var file = File.OpenRead(archive);
    using var gzip = new GZipStream(file, CompressionMode.Decompress);
    using var tar = new TarReader(gzip);
    var count = 0;
    while (tar.GetNextEntry() is { } entry && count < limit)
    {
        if (entry.DataStream is null || !entry.Name.EndsWith(".json", StringComparison.Ordinal))
        {
            continue;
        }

        using var reader = new StreamReader(entry.DataStream);
        foreach (var item in JsonNode.Parse(reader.ReadToEnd())!["entry"]!.AsArray())
        {
            if (count++ >= limit)
            {
                yield break;
            }

            yield return item!["resource"]!.ToJsonString();
        }
    }
}

static string FindRepository()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kakehashi.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the Kakehashi repository.");
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
