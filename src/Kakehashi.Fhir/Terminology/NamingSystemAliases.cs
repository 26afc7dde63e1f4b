using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Terminology;

/// <summary>Reads the equivalent names of a code or identifier system from a NamingSystem into <see cref="CodeSystemAliases"/>.</summary>
public static class NamingSystemAliases
{
    /// <summary>
    /// Registers every unique id of <paramref name="namingSystem"/> as an alias of its preferred
    /// URI (or, with none preferred, its first URI). OIDs become <c>urn:oid:</c> URIs. Returns the
    /// canonical name, or null when the NamingSystem names no URI.
    /// </summary>
    public static string? Register(NamingSystem namingSystem, CodeSystemAliases aliases)
    {
        var uris = namingSystem.UniqueId
            .Where(u => !string.IsNullOrEmpty(u.Value))
            .Select(u => (Id: u, Uri: u.Type switch
            {
                NamingSystem.NamingSystemIdentifierType.Oid => u.Value!.StartsWith("urn:oid:", StringComparison.Ordinal) ? u.Value : "urn:oid:" + u.Value,
                NamingSystem.NamingSystemIdentifierType.Uri => u.Value,
                _ => null,
            }))
            .Where(u => u.Uri is not null)
            .ToList();
        if (uris.Count == 0)
        {
            return null;
        }

        var canonical = uris.FirstOrDefault(u => u.Id.Type == NamingSystem.NamingSystemIdentifierType.Uri && u.Id.Preferred == true).Uri
            ?? uris.FirstOrDefault(u => u.Id.Type == NamingSystem.NamingSystemIdentifierType.Uri).Uri
            ?? uris[0].Uri!;
        canonical = aliases.Canonical(canonical)!;
        foreach (var (_, uri) in uris)
        {
            aliases.Add(uri!, canonical);
        }

        return canonical;
    }
}
