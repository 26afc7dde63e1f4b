namespace Kakehashi.Fhir.Search;

/// <summary>
/// A parsed, validated search, independent of any SQL dialect. Conditions are ANDed; an
/// individual condition may itself be an OR of values.
/// </summary>
public sealed record SearchQuery(
    string? ResourceType,
    IReadOnlyList<SearchCondition> Conditions,
    int Count,
    int Offset)
{
    public static SearchQuery ById(string resourceType, string id) =>
        new(resourceType, [new IdCondition([id])], 2, 0);
}
