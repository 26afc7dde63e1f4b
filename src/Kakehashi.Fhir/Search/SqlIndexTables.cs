using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>Where each parameter type lives in the schema (see the 0001_resources.sql migrations).</summary>
internal static class SqlIndexTables
{
    public static string For(SearchParamType type) => type switch
    {
        SearchParamType.String => "idx_string",
        SearchParamType.Token => "idx_token",
        SearchParamType.Reference => "idx_reference",
        SearchParamType.Date => "idx_date",
        SearchParamType.Number => "idx_number",
        SearchParamType.Quantity => "idx_quantity",
        SearchParamType.Uri => "idx_uri",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No index table for this parameter type."),
    };

    /// <summary>True when values of the type are kept in an index table of their own.</summary>
    public static bool Has(SearchParamType type) => type is SearchParamType.String or SearchParamType.Token or SearchParamType.Reference
        or SearchParamType.Date or SearchParamType.Number or SearchParamType.Quantity or SearchParamType.Uri;

    /// <summary>The column (or expression) a sort key orders by: the smallest value ascending, the largest descending.</summary>
    public static string SortColumn(SearchParamType type, bool descending) => type switch
    {
        SearchParamType.String => "value_norm",
        SearchParamType.Token => "code",
        SearchParamType.Date => descending ? "end_us" : "start_us",
        SearchParamType.Number or SearchParamType.Quantity => descending ? "high" : "low",
        SearchParamType.Uri => "value",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "This parameter type cannot be sorted on."),
    };

    /// <summary>Escapes LIKE wildcards; every LIKE in the engine declares <c>ESCAPE '!'</c>.</summary>
    public static string EscapeLike(string value) =>
        value.Replace("!", "!!", StringComparison.Ordinal)
            .Replace("%", "!%", StringComparison.Ordinal)
            .Replace("_", "!_", StringComparison.Ordinal);
}
