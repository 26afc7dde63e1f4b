using Hl7.Fhir.Specification.Source;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// The FHIR R4 core specification (<c>specification.zip</c>, shipped beside the binaries), one
/// source per process. Firely unpacks the archive on first use into a cache folder under the
/// temp path that every process shares; two unpacking at once — test assemblies run in
/// parallel, several resolvers starting together — failed with "file already exists" on a
/// machine that had no cache yet. So the unpacking happens once per process, behind a file
/// lock that other processes wait for; afterwards every process finds the cache ready.
/// </summary>
public static class CoreSpecification
{
    private static readonly Lazy<ZipSource> Shared = new(() => Prepared(ZipSource.CreateValidationSource()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared, already unpacked core specification source (thread-safe).</summary>
    public static ZipSource Source => Shared.Value;

    /// <summary>Unpacks <paramref name="source"/> while holding the machine-wide unpacking lock.</summary>
    public static ZipSource Prepared(ZipSource source)
    {
        var lockPath = Path.Combine(Path.GetTempPath(), "kakehashi-fhir-specification.lock");
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock across processes (flock on Unix).
                using var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                source.Prepare();
                return source;
            }
            catch (IOException) when (waiting.Elapsed < TimeSpan.FromMinutes(5) && !source.IsPrepared)
            {
                // Another process holds the lock while it unpacks: wait for it.
                Thread.Sleep(100);
            }
        }
    }
}
