using System.Text.Json;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>What the submission matches a stored item by, read from its JSON without a full FHIR parse.</summary>
internal static class ItemJson
{
    /// <summary>JP-CLINS: every item carries one identifier of this system, unique within its sender.</summary>
    public const string InstanceIdentifier = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier";

    public static IEnumerable<string> Tags(byte[] json, string system)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("meta", out var meta) || !meta.TryGetProperty("tag", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. tags.EnumerateArray()
            .Where(t => t.TryGetProperty("system", out var s) && s.GetString() == system && t.TryGetProperty("code", out _))
            .Select(t => t.GetProperty("code").GetString()!)];
    }

    public static HashSet<string> Identifiers(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("identifier", out var identifiers) && identifiers.ValueKind == JsonValueKind.Array)
        {
            foreach (var identifier in identifiers.EnumerateArray())
            {
                if (identifier.TryGetProperty("system", out var system) && system.GetString() == InstanceIdentifier
                    && identifier.TryGetProperty("value", out var value) && value.GetString() is { } text)
                {
                    keys.Add(text);
                }
            }
        }

        return keys;
    }
}
