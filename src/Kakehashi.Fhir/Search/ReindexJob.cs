namespace Kakehashi.Fhir.Search;

/// <summary>The state of a <c>$reindex</c> job as stored in <c>reindex_jobs</c>.</summary>
public sealed record ReindexJob(
    string Id,
    string Scope,
    string Status,
    long Processed,
    long Total,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    string? Error)
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
