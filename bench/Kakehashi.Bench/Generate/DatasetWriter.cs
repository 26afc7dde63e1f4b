using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace Kakehashi.Bench.Generate;

/// <summary>
/// Writes a dataset to a folder: <c>Type.ndjson</c> per resource type, <c>bundles.ndjson</c> (one
/// transaction Bundle per line: first the shared organizations and staff, then the people), and
/// <c>manifest.json</c> with the options and counts. Optionally gzip-compressed (<c>.gz</c>).
/// </summary>
public sealed class DatasetWriter : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly string directory;
    private readonly bool gzip;
    private readonly DatasetFormats formats;
    private readonly Dictionary<string, Stream> ndjson = [];
    private readonly Dictionary<string, long> counts = [];
    private readonly ArrayBufferWriter<byte> bundleBuffer = new(1 << 16);
    private readonly Stream? bundles;
    private long bundleCount;

    public DatasetWriter(string directory, DatasetFormats formats, bool gzip)
    {
        this.directory = directory;
        this.formats = formats;
        this.gzip = gzip;
        Directory.CreateDirectory(directory);
        if (formats.HasFlag(DatasetFormats.Bundles))
        {
            bundles = Open("bundles.ndjson");
        }
    }

    public IReadOnlyDictionary<string, long> Counts => counts;

    public long BundleCount => bundleCount;

    /// <summary>Generates everything <paramref name="generator"/> yields into the folder, with progress on stderr.</summary>
    public static DatasetSummary Generate(DatasetGenerator generator, string directory, DatasetFormats formats, bool gzip, int peoplePerBundle, TextWriter progressOutput)
    {
        using var writer = new DatasetWriter(directory, formats, gzip);
        var progress = new ProgressReporter("people", generator.Options.People, progressOutput);
        foreach (var batch in generator.SharedBatches())
        {
            writer.Add(batch);
            progress.Advance(0, batch.Count);
        }

        foreach (var batch in generator.PeopleBatches(peoplePerBundle))
        {
            writer.Add(batch.Resources);
            progress.Advance(batch.People, batch.Resources.Count);
        }

        progress.Finish();
        var summary = new DatasetSummary(generator.Options, writer.Counts.ToDictionary(), writer.Counts.Values.Sum(), writer.BundleCount, progress.Elapsed.TotalSeconds);
        writer.WriteManifest(summary);
        return summary;
    }

    /// <summary>Adds one batch: its resources to the NDJSON files and one transaction Bundle.</summary>
    public void Add(IReadOnlyList<GeneratedResource> resources)
    {
        foreach (var resource in resources)
        {
            counts[resource.Type] = counts.GetValueOrDefault(resource.Type) + 1;
            if (formats.HasFlag(DatasetFormats.Ndjson))
            {
                if (!ndjson.TryGetValue(resource.Type, out var stream))
                {
                    ndjson[resource.Type] = stream = Open(resource.Type + ".ndjson");
                }

                stream.Write(resource.Json);
                stream.Write(NewLine);
            }
        }

        if (bundles is not null)
        {
            bundleBuffer.ResetWrittenCount();
            TransactionBundle.Write(bundleBuffer, resources);
            bundles.Write(bundleBuffer.WrittenSpan);
            bundles.Write(NewLine);
            bundleCount++;
        }
    }

    public void WriteManifest(DatasetSummary summary)
    {
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(summary, BenchJson.Indented));
    }

    public void Dispose()
    {
        foreach (var stream in ndjson.Values)
        {
            stream.Dispose();
        }

        bundles?.Dispose();
    }

    private Stream Open(string name)
    {
        var path = Path.Combine(directory, gzip ? name + ".gz" : name);
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
    }
}
