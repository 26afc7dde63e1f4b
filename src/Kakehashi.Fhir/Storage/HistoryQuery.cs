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
    long? BeforeSequence);
