namespace Kakehashi.Platform.Prescriptions;

/// <summary>A row of <c>prescriptions</c>: the document as received and where it stands.</summary>
public sealed record PrescriptionRow(
    string Id,
    string PatientKey,
    string PrescriberCode,
    string Prescriber,
    string StoredStatus,
    string ExchangeNumber,
    DateOnly IssueDay,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    int UsesAllowed,
    int UsesDone,
    string? PharmacyCode,
    bool Electronic,
    string? SignerSerial,
    string? SignerName,
    string? TimeStamp,
    string MasterVersion,
    DateTimeOffset RegisteredAt,
    string Document)
{
    /// <summary>
    /// The status on <paramref name="today"/> (Japan time): a prescription still waiting for a
    /// pharmacy after its window has expired, whether or not a sweep has written that down yet.
    /// </summary>
    public string StatusOn(DateOnly today) =>
        StoredStatus == PrescriptionStatus.Registered && WindowEnd < today ? PrescriptionStatus.Expired : StoredStatus;

    public bool IsRefill => UsesAllowed > 1;
}
