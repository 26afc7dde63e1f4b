using System.Text.Json;
using Kakehashi.Fhir.Security;

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

/// <summary>
/// The submitter of a job, kept with it: the worker runs the rows under this identity (the
/// insurer-number rule and the audit trail see the submitter), even after a restart.
/// </summary>
public sealed record JobCaller(string Subject, string Kind, string? ClientId, string Role, string? OrganizationCode, string? OrganizationKind, string Scopes, string Purpose)
{
    public static string Serialize(AccessContext caller) => JsonSerializer.Serialize(new JobCaller(
        caller.Subject, caller.Kind.ToString(), caller.ClientId, caller.Role, caller.OrganizationCode, caller.OrganizationKind,
        string.Join(' ', caller.Scopes.Select(s => s.ToString())), caller.PurposeOfUse));

    public static AccessContext Deserialize(string json)
    {
        var c = JsonSerializer.Deserialize<JobCaller>(json) ?? throw new InvalidOperationException("A job without its caller.");
        return new AccessContext
        {
            Subject = c.Subject,
            Kind = Enum.Parse<CallerKind>(c.Kind),
            ClientId = c.ClientId,
            Role = c.Role,
            OrganizationCode = c.OrganizationCode,
            OrganizationKind = c.OrganizationKind,
            Scopes = SmartScope.ParseAll(c.Scopes),
            PurposeOfUse = c.Purpose,
        };
    }
}
