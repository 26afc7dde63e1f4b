namespace Kakehashi.Platform.Eligibility;

/// <summary>An asynchronous job: a bulk upload of qualifications or a bulk pre-check of booked patients.</summary>
public sealed record EligibilityJob(
    string Id,
    string Kind,
    string Format,
    string OrganizationCode,
    string SubmittedBy,
    string Caller,
    string Status,
    int Total,
    int Processed,
    int Succeeded,
    int Failed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? Error)
{
    public const string Upload = "upload";
    public const string Precheck = "precheck";

    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string FailedStatus = "failed";

    public JobOutput ToOutput(List<JobRowOutput>? rows = null, string? next = null) => new()
    {
        Id = Id,
        Kind = Kind,
        Status = Status,
        Total = Total,
        Processed = Processed,
        Succeeded = Succeeded,
        Failed = Failed,
        CreatedAt = CreatedAt.ToOffset(EligibilityChecker.Japan),
        CompletedAt = CompletedAt?.ToOffset(EligibilityChecker.Japan),
        Error = Error,
        Rows = rows,
        Next = next,
    };
}

/// <summary>One row's outcome: a check status or <c>error</c> for a pre-check, <c>error</c> for a refused upload row.</summary>
public sealed record EligibilityJobRow(int Row, string Outcome, string Detail);
