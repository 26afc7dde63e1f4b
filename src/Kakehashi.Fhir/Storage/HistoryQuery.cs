namespace Kakehashi.Fhir.Storage;

/// <summary>
/// History at system (no type), type (no id) or instance level. Results are newest first;
/// <see cref="BeforeSequence"/> continues a page from where the previous one ended.
/// </summary>
public sealed record HistoryQuery(
    string? ResourceType,
    string? Id,
    DateTimeOffset? Since,
    DateTimeOffset? At,
    int Count,
    long? BeforeSequence)
{
    /// <summary>Who may see what (<see cref="Security.AccessRestriction"/>), applied to every version listed.</summary>
    public Security.AccessRestriction? Restriction { get; init; }
}
