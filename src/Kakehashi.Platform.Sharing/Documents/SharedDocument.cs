namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>One stored version of a shared document (table <c>sharing_documents</c>).</summary>
public sealed record SharedDocument(
    string Id,
    string Kind,
    string PatientKey,
    string SenderCode,
    string? SenderName,
    string Sender,
    string? RecipientCode,
    string? RecipientName,
    string DocumentKey,
    string? DocumentDate,
    DateTimeOffset SubmittedAt,
    string Status,
    DateTimeOffset? RetrievedAt,
    DateTimeOffset? AcknowledgedAt,
    string? Replaces,
    string? SupersededBy,
    DateTimeOffset? ExpiresAt,
    string Document);

/// <summary>Where a document is in its recipient's hands.</summary>
public static class DocumentStatus
{
    public const string New = "new";
    public const string Retrieved = "retrieved";
    public const string Acknowledged = "acknowledged";

    public static bool IsKnown(string status) => status is New or Retrieved or Acknowledged;
}
