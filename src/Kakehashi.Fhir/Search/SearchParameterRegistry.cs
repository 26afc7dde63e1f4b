using System.Collections.Frozen;
using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Every search parameter the server knows, keyed by (resource type, code). Starts with the R4
/// definitions shipped in the Firely SDK plus the <c>Resource</c>-level ones (which the SDK does
/// not list); more can be added at run time. Reads are lock-free over an immutable snapshot so
/// the registry can be a singleton shared by every request.
/// <para>
/// Two layers: the fixed definitions (the SDK's, packages', <see cref="Add"/>) and those of stored
/// <c>SearchParameter</c> resources, kept per resource id (<see cref="Register"/>) so that an
/// update, retirement or deletion of the resource takes its definitions back — and a fixed
/// definition that one of them had replaced applies again.
/// </para>
/// </summary>
public sealed class SearchParameterRegistry
{
    private static readonly Lazy<SearchParameterRegistry> SharedInstance = new(() => new SearchParameterRegistry());

    private readonly Lock _writeLock = new();
    private readonly Dictionary<string, Dictionary<string, SearchParameterDefinition>> _fixed = new(StringComparer.Ordinal);

    // In registration order, so that of two resources defining the same code the later one wins, as before.
    private readonly List<(string ResourceId, IReadOnlyList<SearchParameterDefinition> Definitions)> _stored = [];
    private volatile Snapshot _snapshot;

    public SearchParameterRegistry()
    {
        foreach (var definition in CommonDefinitions().Concat(SdkDefinitions()))
        {
            Put(_fixed, definition);
        }

        _snapshot = new Snapshot(_fixed, 0);
    }

    /// <summary>The process-wide registry for hosts that do not use dependency injection.</summary>
    public static SearchParameterRegistry Shared => SharedInstance.Value;

    /// <summary>Changes whenever a definition is added, so caches built from the registry can tell they are stale.</summary>
    public int Version => _snapshot.Version;

    public static bool IsKnownResourceType(string? resourceType) =>
        resourceType is not null && resourceType != KnownSearchParameters.AllTypes
        && resourceType != "DomainResource" && ModelInfo.IsKnownResource(resourceType);

    /// <summary>Looks a parameter up on the type, then among those that apply to every type.</summary>
    public bool TryGet(string? resourceType, string code, out SearchParameterDefinition definition)
    {
        var byType = _snapshot.ByType;
        if (resourceType is not null && byType.TryGetValue(resourceType, out var own) && own.TryGetValue(code, out definition!))
        {
            return true;
        }

        return byType[KnownSearchParameters.AllTypes].TryGetValue(code, out definition!);
    }

    /// <summary>The type of the parameter defined at <paramref name="url"/> (for the components of composites).</summary>
    public SearchParamType? TypeOfUrl(string url) =>
        _snapshot.ByUrl.TryGetValue(url, out var type) ? type : null;

    /// <summary>All parameters that apply to the type, the common ones included.</summary>
    public IReadOnlyList<SearchParameterDefinition> GetAll(string resourceType)
    {
        var byType = _snapshot.ByType;
        var common = byType[KnownSearchParameters.AllTypes].Values;
        if (!byType.TryGetValue(resourceType, out var own))
        {
            return [.. common];
        }

        return [.. common.Where(c => !own.ContainsKey(c.Code)), .. own.Values];
    }

    /// <summary>Adds or replaces a fixed definition (for example from a FHIR package).</summary>
    public void Add(SearchParameterDefinition definition)
    {
        lock (_writeLock)
        {
            Put(_fixed, definition);
            Rebuild();
        }
    }

    /// <summary>
    /// Makes <paramref name="definitions"/> what the SearchParameter resource <paramref name="resourceId"/>
    /// defines, replacing whatever it defined before; none (a retired or deleted resource) unregisters it.
    /// </summary>
    public void Register(string resourceId, IReadOnlyList<SearchParameterDefinition> definitions)
    {
        lock (_writeLock)
        {
            _stored.RemoveAll(s => s.ResourceId == resourceId);
            if (definitions.Count > 0)
            {
                _stored.Add((resourceId, definitions));
            }

            Rebuild();
        }
    }

    private void Rebuild()
    {
        var byType = _fixed.ToDictionary(
            pair => pair.Key,
            pair => new Dictionary<string, SearchParameterDefinition>(pair.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
        foreach (var definition in _stored.SelectMany(s => s.Definitions))
        {
            Put(byType, definition);
        }

        _snapshot = new Snapshot(byType, _snapshot.Version + 1);
    }

    private static void Put(Dictionary<string, Dictionary<string, SearchParameterDefinition>> byType, SearchParameterDefinition definition)
    {
        if (!byType.TryGetValue(definition.ResourceType, out var codes))
        {
            codes = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
            byType[definition.ResourceType] = codes;
        }

        codes[definition.Code] = definition;
    }

    private static IEnumerable<SearchParameterDefinition> SdkDefinitions() =>
        ModelInfo.SearchParameters
            .Where(p => p.Resource is not null && p.Code is not null && p.Expression is not null && p.Resource != "DomainResource")
            .Select(p => new SearchParameterDefinition(
                p.Resource!,
                p.Code!,
                p.Type,
                p.Expression,
                p.Target is null ? [] : [.. p.Target.Select(t => t.ToString())],
                p.Url,
                p.Component is { Length: > 0 } parts ? [.. parts.Select(c => new CompositeComponent(c.Definition, c.Expression))] : null));

    // R4 defines these on Resource; the SDK's list leaves them out.
    private static IEnumerable<SearchParameterDefinition> CommonDefinitions()
    {
        const string all = KnownSearchParameters.AllTypes;
        const string spec = "http://hl7.org/fhir/SearchParameter/Resource";
        yield return new(all, KnownSearchParameters.Id, SearchParamType.Token, "Resource.id", [], spec + "-id");
        yield return new(all, KnownSearchParameters.LastUpdated, SearchParamType.Date, "Resource.meta.lastUpdated", [], spec + "-lastUpdated");
        yield return new(all, KnownSearchParameters.Tag, SearchParamType.Token, "Resource.meta.tag", [], spec + "-tag");
        yield return new(all, KnownSearchParameters.Profile, SearchParamType.Uri, "Resource.meta.profile", [], spec + "-profile");
        yield return new(all, KnownSearchParameters.Security, SearchParamType.Token, "Resource.meta.security", [], spec + "-security");
        yield return new(all, KnownSearchParameters.Source, SearchParamType.Uri, "Resource.meta.source", [], spec + "-source");
        // Text search over what SearchText keeps at write time; no FHIRPath expression.
        yield return new(all, KnownSearchParameters.Content, SearchParamType.String, null, [], spec + "-content");
        yield return new(all, KnownSearchParameters.Text, SearchParamType.String, null, [], "http://hl7.org/fhir/SearchParameter/DomainResource-text");
    }

    private sealed class Snapshot(Dictionary<string, Dictionary<string, SearchParameterDefinition>> byType, int version)
    {
        public FrozenDictionary<string, FrozenDictionary<string, SearchParameterDefinition>> ByType { get; } =
            byType.ToFrozenDictionary(
                pair => pair.Key,
                pair => pair.Value.ToFrozenDictionary(StringComparer.Ordinal),
                StringComparer.Ordinal);

        public int Version { get; } = version;

        public FrozenDictionary<string, SearchParamType> ByUrl { get; } = byType.Values
            .SelectMany(codes => codes.Values)
            .Where(d => d.Url is not null && d.Type != SearchParamType.Composite)
            .DistinctBy(d => d.Url, StringComparer.Ordinal)
            .ToFrozenDictionary(d => d.Url!, d => d.Type, StringComparer.Ordinal);
    }
}
