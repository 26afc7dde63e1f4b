using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// Conformance resources POSTed to the server, found in the store by canonical URL. Lookups
/// are cached for a short time (a write through the server clears the cache at once; the
/// time limit covers deletes and writes made by another server process), and skipped entirely
/// for a type of which the store holds none.
/// </summary>
public sealed class StoredConformanceSource(IResourceStore store, SearchQueryParser parser, FhirSerializer serializer, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (Resource? Resource, DateTimeOffset Expires)> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (bool Any, DateTimeOffset Expires)> anyOfType = new(StringComparer.Ordinal);

    /// <summary>Forgets everything cached (called when a conformance resource is written).</summary>
    public void Invalidate(string? resourceType = null)
    {
        cache.Clear();
        if (resourceType is null)
        {
            anyOfType.Clear();
        }
        else
        {
            anyOfType[resourceType] = (true, time.GetUtcNow() + Lifetime);
        }
    }

    /// <summary>The newest stored resource of one of <paramref name="types"/> with this canonical URL (optionally <c>|version</c>).</summary>
    public async Task<Resource?> FindAsync(string canonical, IReadOnlyList<string> types, CancellationToken cancellationToken)
    {
        var key = string.Join(",", types) + " " + canonical;
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && hit.Expires > now)
        {
            return hit.Resource;
        }

        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? canonical : canonical[..bar];
        var version = bar < 0 ? null : canonical[(bar + 1)..];
        Resource? found = null;
        foreach (var type in types)
        {
            if (!await AnyAsync(type, cancellationToken))
            {
                continue;
            }

            var page = await store.SearchAsync(parser.Parse(type, [new("url", url)], lenient: false) with { Count = 50 }, cancellationToken);
            found = page.Matches
                .Where(m => !m.IsDeleted)
                .Select(m => serializer.ParseJson(m.Json))
                .Where(r => version is null || (r as IVersionableConformanceResource)?.Version == version)
                .OrderByDescending(r => r.Meta?.LastUpdated)
                .FirstOrDefault();
            if (found is not null)
            {
                break;
            }
        }

        cache[key] = (found, now + Lifetime);
        return found;
    }

    /// <summary>Every stored resource of a type (for loading NamingSystems and house-code ConceptMaps).</summary>
    public async Task<IReadOnlyList<Resource>> AllAsync(string type, IEnumerable<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        var result = new List<Resource>();
        if (!await AnyAsync(type, cancellationToken))
        {
            return result;
        }

        const int pageSize = 500;
        for (var offset = 0; ; offset += pageSize)
        {
            var query = parser.Parse(type, criteria, lenient: false) with { Count = pageSize, Offset = offset };
            var page = await store.SearchAsync(query, cancellationToken);
            result.AddRange(page.Matches.Where(m => !m.IsDeleted).Select(m => serializer.ParseJson(m.Json)));
            if (!page.HasMore || page.Matches.Count == 0)
            {
                return result;
            }
        }
    }

    private async Task<bool> AnyAsync(string type, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (anyOfType.TryGetValue(type, out var known) && known.Expires > now)
        {
            return known.Any;
        }

        var page = await store.SearchAsync(parser.Parse(type, [], lenient: false) with { Count = 1 }, cancellationToken);
        var any = page.Matches.Count > 0;
        anyOfType[type] = (any, now + Lifetime);
        return any;
    }
}
