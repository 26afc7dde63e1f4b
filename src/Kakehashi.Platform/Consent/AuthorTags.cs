using System.Text.Json;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Consent;

/// <summary>The author organizations recorded on a stored version (its author tags), read without a full FHIR parse.</summary>
public static class AuthorTags
{
    public static IReadOnlyList<string> Of(byte[] json)
    {
        if (json.Length == 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("meta", out var meta) || !meta.TryGetProperty("tag", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. tags.EnumerateArray()
            .Where(t => t.TryGetProperty("system", out var system) && system.GetString() == SqlAccessPredicate.AuthorTagSystem)
            .Select(t => t.TryGetProperty("code", out var code) ? code.GetString() : null)
            .OfType<string>()];
    }
}
