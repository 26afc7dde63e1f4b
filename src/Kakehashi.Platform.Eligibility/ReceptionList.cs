using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Audit;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// The day's reception list (本日の受付) of an institution: the patients whose eligibility it
/// checked today (Japan's day), newest first, read from the audit trail — every check leaves a
/// row naming the institution and the patient found, so no second record of checks is kept. An
/// institution sees its own checks only.
/// </summary>
public sealed class ReceptionList(AuditLog audit, IResourceStore store, TimeProvider time)
{
    public const string CheckInteraction = "eligibility-check";

    public async Task<IReadOnlyList<QueuedPatient>> TodayAsync(AccessContext caller, CancellationToken cancellationToken)
    {
        var japan = time.GetUtcNow().ToOffset(JapanTime.Offset);
        var startOfDay = new DateTimeOffset(japan.Year, japan.Month, japan.Day, 0, 0, 0, JapanTime.Offset);
        var rows = await audit.SearchAsync(new AuditQuery { Organization = caller.OrganizationCode, Since = startOfDay, Failed = false, Count = 1000 }, cancellationToken);
        var checks = rows
            .Where(r => r.Record.Interaction == CheckInteraction && r.Record.Patient is { } p && p.StartsWith("Patient/", StringComparison.Ordinal))
            .GroupBy(r => r.Record.Patient!["Patient/".Length..])
            .Select(g => (Id: g.Key, At: g.Max(r => r.Record.RecordedAt)))
            .OrderByDescending(c => c.At);
        var list = new List<QueuedPatient>();
        foreach (var (id, at) in checks)
        {
            if (await store.ReadAsync("Patient", id, cancellationToken) is { IsDeleted: false } stored)
            {
                list.Add(new QueuedPatient(at, EligibilityLookup.ReadPatient(id, stored.Json)));
            }
        }

        return list;
    }
}

/// <summary>A patient in the day's reception list: when they were last checked, and who they are.</summary>
public sealed record QueuedPatient(DateTimeOffset CheckedAt, PatientSummary Patient);
