using Kakehashi.Fhir.Security;

namespace Kakehashi.Server.BulkExport;

/// <summary>A row of <c>export_jobs</c>: one <c>$export</c> kick-off and how far its worker got.</summary>
public sealed record ExportJob(
    string Id,
    string Owner,
    string Caller,
    string RequestUrl,
    string Level,
    IReadOnlyList<string>? Patients,
    IReadOnlyList<string> Types,
    DateTimeOffset? Since,
    string Status,
    DateTimeOffset TransactionTime,
    string CursorType,
    string CursorId,
    long Exported,
    DateTimeOffset CreatedAt,
    string? Error)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public const string SystemLevel = "system";
    public const string PatientLevel = "patient";
    public const string GroupLevel = "group";

    /// <summary>Who may poll, download and cancel: the caller that kicked the export off, and nobody else.</summary>
    public static string OwnerOf(AccessContext caller) => caller.Kind.ToString().ToLowerInvariant() + ":" + caller.Subject;
}

/// <summary>One NDJSON file of a job (without its content).</summary>
public sealed record ExportFile(int Seq, string ResourceType, long Count);
