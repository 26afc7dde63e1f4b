namespace Kakehashi.Fhir.Interactions;

/// <summary>Splits a URL query into ordered, decoded name/value pairs (repeats kept: they mean AND).</summary>
public static class QueryParameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        var start = query.IndexOf('?', StringComparison.Ordinal) + 1;
        foreach (var part in query[start..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }

        return result;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
