namespace Kakehashi.Fhir.Search;

/// <summary>Splits a FHIR reference string into what the index stores.</summary>
public static class ReferenceParts
{
    /// <summary>
    /// Parses <c>Type/id</c> or <c>Type/id/_history/v</c>. Absolute URLs, urn: references and
    /// contained (<c>#x</c>) references are not local and return false.
    /// </summary>
    public static bool TryParseLocal(string? reference, out string type, out string id)
    {
        type = "";
        id = "";
        if (string.IsNullOrEmpty(reference) || reference[0] == '#' || reference.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        var parts = reference.Split('/');
        if (!(parts.Length == 2 || (parts.Length == 4 && parts[2] == "_history"))
            || parts[1].Length == 0 || !SearchParameterRegistry.IsKnownResourceType(parts[0]))
        {
            return false;
        }

        type = parts[0];
        id = parts[1];
        return true;
    }

    /// <summary>The resource type named by a relative or absolute RESTful reference, if any.</summary>
    public static string? TargetTypeOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference) || reference[0] == '#')
        {
            return null;
        }

        var parts = reference.Split('/');
        var historyAt = Array.IndexOf(parts, "_history");
        var typeAt = (historyAt > 0 ? historyAt : parts.Length) - 2;
        return typeAt >= 0 && SearchParameterRegistry.IsKnownResourceType(parts[typeAt]) ? parts[typeAt] : null;
    }
}
