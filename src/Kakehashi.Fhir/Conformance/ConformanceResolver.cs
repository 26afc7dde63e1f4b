using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Kakehashi.Fhir.Terminology;
using Task = System.Threading.Tasks.Task;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// Resolves conformance resources by canonical URL through a chain: resources stored at run
/// time (an institution may publish its own profiles and terminology), then the FHIR packages
/// shipped with the server (JP Core, JP-CLINS…), then the R4 core specification. Profiles are
/// returned with a generated snapshot when they come without one, and with the corrections of
/// <see cref="ProfileCorrections"/>. Thread-safe; one instance per server.
/// </summary>
public sealed class ConformanceResolver : IAsyncResourceResolver
{
    /// <summary>Parsed package terminology (ValueSets, CodeSystems…) kept in memory; beyond this the cache starts over.</summary>
    public const int MaxParsedResources = 2000;

    /// <summary>
    /// Parsed StructureDefinitions kept in memory. A profile is needed only while it is compiled
    /// (the compiled schema is what validation uses), and snapshots are large — JP-CLINS lab
    /// results alone is tens of megabytes parsed — so few are kept.
    /// </summary>
    public const int MaxParsedProfiles = 64;

    private static readonly string[] CoreCanonicalPrefixes = ["http://hl7.org/fhir/", "http://terminology.hl7.org/"];
    private readonly FhirPackageCatalog packages;
    private readonly StoredConformanceSource? stored;
    private readonly CodeSystemAliases aliases;
    private readonly Lazy<IAsyncResourceResolver> core;
    private readonly ConcurrentDictionary<string, Resource> parsed = new(StringComparer.Ordinal);
    private readonly LruCache<Resource> parsedProfiles = new(MaxParsedProfiles);
    private readonly ConcurrentDictionary<string, Resource?> coreCache = new(StringComparer.Ordinal);
    private readonly LruCache<Resource> coreProfiles = new(MaxParsedProfiles);
    private readonly FhirJsonDeserializer deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    public ConformanceResolver(FhirPackageCatalog packages, StoredConformanceSource? stored, CodeSystemAliases aliases, string? specificationZip = null)
    {
        this.packages = packages;
        this.stored = stored;
        this.aliases = aliases;
        core = new Lazy<IAsyncResourceResolver>(() => specificationZip is null ? CoreSpecification.Source : CoreSpecification.Prepared(new ZipSource(specificationZip)));
    }

    public FhirPackageCatalog Packages => packages;

    public CodeSystemAliases Aliases => aliases;

    /// <summary>
    /// Raised after <see cref="Invalidate"/> with the type that changed (null: anything), so that
    /// expansions and — for StructureDefinitions only — compiled schemas built from old content are dropped too.
    /// </summary>
    public event Action<string?>? Changed;

    /// <summary>Forgets cached content after a conformance resource or NamingSystem changed.</summary>
    public void Invalidate(string? resourceType = null)
    {
        stored?.Invalidate(resourceType);
        if (resourceType is null or KnownConformanceTypes.StructureDefinition)
        {
            // A stored base profile may have changed: snapshots generated from it are stale.
            parsedProfiles.Clear();
        }

        Changed?.Invoke(resourceType);
    }

    /// <summary>Touches the core specification so that its index is built before the first request needs it.</summary>
    public async Task WarmUpAsync()
    {
        await ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/Patient");
    }

    public Task<Resource?> ResolveByUriAsync(string uri) => ResolveByCanonicalUriAsync(uri);

    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri) => await FindAsync(uri, null, CancellationToken.None);

    public async Task<ResolverResult> TryResolveByUriAsync(string uri) => Result(await ResolveByUriAsync(uri), uri);

    public async Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => Result(await ResolveByCanonicalUriAsync(uri), uri);

    /// <summary>
    /// A view that prefers the last package where several define the same URL (JP Core 1.1.2
    /// with OIDs over its <c>-url</c> variant), so an instance can be checked against either naming.
    /// </summary>
    public IAsyncResourceResolver PreferringLastVariant() => new VariantView(this);

    /// <summary>Finds a resource of one of <paramref name="types"/> (any conformance type when null) by canonical URL.</summary>
    public Task<Resource?> FindAsync(string canonical, IReadOnlyList<string>? types, CancellationToken cancellationToken) =>
        FindAsync(canonical, types, false, cancellationToken);

    private async Task<Resource?> FindAsync(string canonical, IReadOnlyList<string>? types, bool preferLast, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(canonical))
        {
            return null;
        }

        var isCore = CoreCanonicalPrefixes.Any(p => canonical.StartsWith(p, StringComparison.Ordinal));
        if (!isCore && stored is not null)
        {
            var runtime = await stored.FindAsync(canonical, types ?? KnownConformanceTypes.All, cancellationToken);
            if (runtime is not null)
            {
                return await PrepareAsync(runtime, preferLast);
            }
        }

        if (packages.Find(canonical, preferLast) is { } entry && (types is null || types.Contains(entry.ResourceType)))
        {
            return await LoadAsync(entry, preferLast);
        }

        if (!coreCache.TryGetValue(canonical, out var fromCore) && !coreProfiles.TryGet(canonical, out fromCore))
        {
            var result = await core.Value.TryResolveByCanonicalUriAsync(canonical);
            fromCore = result.Success ? result.Value : null;
            if (fromCore is StructureDefinition)
            {
                coreProfiles.Set(canonical, fromCore);
            }
            else
            {
                coreCache[canonical] = fromCore;
            }
        }

        return fromCore is not null && (types is null || types.Contains(fromCore.TypeName)) ? fromCore : null;
    }

    /// <summary>Parses (once) a package resource.</summary>
    public Task<Resource> LoadAsync(PackageResource entry) => LoadAsync(entry, false);

    private async Task<Resource> LoadAsync(PackageResource entry, bool preferLast)
    {
        // A generated snapshot depends on which variant its base came from, so each view keeps its own copy.
        var key = (preferLast ? "last " : "") + entry.FilePath;
        var isProfile = entry.ResourceType == KnownConformanceTypes.StructureDefinition;
        if (isProfile ? parsedProfiles.TryGet(key, out var cached) : parsed.TryGetValue(key, out cached))
        {
            return cached!;
        }

        var resource = deserializer.DeserializeResource(await File.ReadAllTextAsync(entry.FilePath));
        resource = await PrepareAsync(resource, preferLast);
        if (isProfile)
        {
            parsedProfiles.Set(key, resource);
        }
        else
        {
            Remember(parsed, key, resource, MaxParsedResources);
        }

        return resource;
    }

    // A crude bound: past the limit the cache starts over. Entries are cheap to reload; what matters is that memory cannot grow without limit.
    private static void Remember(ConcurrentDictionary<string, Resource> cache, string key, Resource resource, int limit)
    {
        if (cache.Count >= limit)
        {
            cache.Clear();
        }

        cache[key] = resource;
    }

    private async Task<Resource> PrepareAsync(Resource resource, bool preferLast = false)
    {
        if (resource is StructureDefinition profile)
        {
            IAsyncResourceResolver view = preferLast ? new VariantView(this) : this;
            if (profile.Snapshot is null || profile.Snapshot.Element.Count == 0)
            {
                var baseProfile = profile.BaseDefinition is null ? null : await view.FindStructureDefinitionAsync(profile.BaseDefinition);
                var typeProfiles = new Dictionary<string, StructureDefinition?>(StringComparer.Ordinal);
                if (baseProfile?.Snapshot is not null)
                {
                    foreach (var url in baseProfile.Snapshot.Element.Where(e => e.Type.Count == 1).SelectMany(e => e.Type[0].Profile).OfType<string>().Distinct())
                    {
                        typeProfiles[url] = await view.FindStructureDefinitionAsync(url);
                    }
                }

                ProfileCorrections.AlignSliceNames(profile, baseProfile, url => typeProfiles.GetValueOrDefault(url));
                ProfileCorrections.NarrowChoiceParents(profile, baseProfile);
                ProfileCorrections.RenameFalseReslices(profile);
                var generator = new SnapshotGenerator(view, SnapshotGeneratorSettings.CreateDefault());
                await generator.UpdateAsync(profile);
            }

            ProfileCorrections.RenameFalseReslices(profile);
            ProfileCorrections.OpenUnconstrainedDiscriminators(profile);
        }

        return resource;
    }

    private sealed class VariantView(ConformanceResolver owner) : IAsyncResourceResolver
    {
        public Task<Resource?> ResolveByUriAsync(string uri) => owner.FindAsync(uri, null, true, CancellationToken.None);

        public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => owner.FindAsync(uri, null, true, CancellationToken.None);

        public async Task<ResolverResult> TryResolveByUriAsync(string uri) => Result(await ResolveByUriAsync(uri), uri);

        public async Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => Result(await ResolveByCanonicalUriAsync(uri), uri);
    }

    private static ResolverResult Result(Resource? resource, string uri) =>
        resource is null ? new ResolverResult(new ResolverException("not-found", $"'{uri}' is not known to this server.")) : new ResolverResult(resource);
}
