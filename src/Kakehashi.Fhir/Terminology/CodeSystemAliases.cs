using System.Collections.Concurrent;

namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// Code systems known under more than one URI — JP Core 1.1.2 names them by OID
/// (<c>urn:oid:1.2.392…</c>) where JP-CLINS uses <c>http://jpfhir.jp/…</c> — mapped to one
/// canonical URI, so indexing, search and validation treat both spellings as the same system.
/// Filled from NamingSystem resources; thread-safe.
/// </summary>
public sealed class CodeSystemAliases
{
    private readonly ConcurrentDictionary<string, string> canonicalByAlias = new(StringComparer.Ordinal);

    /// <summary>The canonical URI for <paramref name="system"/>, or the system itself when it has no alias.</summary>
    public string? Canonical(string? system) =>
        system is not null && canonicalByAlias.TryGetValue(system, out var canonical) ? canonical : system;

    /// <summary>Declares that <paramref name="alias"/> names the same system as <paramref name="canonical"/>.</summary>
    public void Add(string alias, string canonical)
    {
        if (alias != canonical)
        {
            canonicalByAlias[alias] = canonical;
        }
    }

    /// <summary>Every URI that names the same system as <paramref name="system"/>, itself included.</summary>
    public IReadOnlyList<string> AllNames(string system)
    {
        var canonical = Canonical(system)!;
        return [canonical, .. canonicalByAlias.Where(p => p.Value == canonical).Select(p => p.Key)];
    }
}
