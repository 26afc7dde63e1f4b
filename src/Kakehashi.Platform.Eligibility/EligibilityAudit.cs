using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Audit rows for the eligibility jobs, which run after their request has been answered (the
/// endpoint filter audits the requests themselves). A row names the caller, the patient found
/// (a reference, never a name, number or birth date) and the outcome; the input is not recorded.
/// </summary>
public sealed class EligibilityAudit(AuditLog log, TimeProvider time)
{
    public Task RecordAsync(AccessContext caller, string requestId, string interaction, string resource, int status, IEnumerable<string?> patients, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var distinct = patients.Distinct().ToList();
        if (distinct.Count == 0)
        {
            distinct.Add(null);
        }

        return log.AppendAsync(
            [.. distinct.Select(patient => AuditRecord.ByCaller(caller, now, requestId, new AuditedAccess
            {
                Patient = patient, Action = "E", Interaction = interaction, Resource = resource, Outcome = status,
            }))],
            cancellationToken);
    }

    /// <summary>The scope under which writes made for this request (a Consent, uploaded rows) are attributed to the caller.</summary>
    public static AuditScope Scope(AccessContext caller, string requestId, string resourceType, string operation) => new()
    {
        Caller = caller,
        Interaction = new FhirInteraction(InteractionKind.Operation, resourceType, null, "ru") { Operation = operation },
        RequestId = requestId,
    };
}
