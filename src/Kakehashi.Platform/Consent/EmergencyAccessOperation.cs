using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// <c>POST Patient/[id]/$emergency-access</c> (救急時医療情報閲覧, break-the-glass): a hospital
/// doctor who judges it necessary to protect life states a reason and, for a limited time, sees
/// the patient's data without consent. The grant, an alert for the security administrators and
/// an audit row with the reason — which the patient sees in their access log — commit together.
/// </summary>
public sealed class EmergencyAccessOperation(IResourceStore store, EmergencyAccessStore emergency, AuditLog audit, IOptions<SecurityOptions> options, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "emergency-access";

    private const int MinimumReasonLength = 4;

    public string Name => OperationName;

    // It exists to open a patient the caller cannot see yet.
    public OperationAccess Access => OperationAccess.SelfNarrowing;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-emergency-access";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Http.Caller ?? AuditScope.Current?.Caller
            ?? throw FhirException.Forbidden("Emergency access is granted to a signed-in doctor, not to the server itself.");
        if (caller.Role != KnownRoles.Doctor || caller.OrganizationKind != KnownOrganizationKinds.Hospital || caller.OrganizationCode is null)
        {
            throw FhirException.Forbidden("Emergency access (救急時医療情報閲覧) is for doctors at hospitals only.");
        }

        var reason = request.Parameters.Parameter.FirstOrDefault(p => p.Name == "reason")?.Value?.ToString()?.Trim();
        if (reason is null || reason.Length < MinimumReasonLength)
        {
            throw FhirException.BadRequest($"Emergency access needs a stated reason (parameter 'reason', at least {MinimumReasonLength} characters).", "reason");
        }

        var patient = await store.ReadAsync("Patient", request.Id!, cancellationToken);
        if (patient is null || patient.IsDeleted)
        {
            throw FhirException.NotFound($"Patient/{request.Id} is not known.");
        }

        var now = time.GetUtcNow();
        var grant = new EmergencyGrant(Guid.NewGuid().ToString("N"), caller.Subject, caller.OrganizationCode, "Patient/" + patient.Id, reason, now,
            now.AddMinutes(options.Value.EmergencyAccessMinutes));
        await using (var tx = await store.BeginTransactionAsync(cancellationToken))
        {
            var sql = tx.Sql();
            await EmergencyAccessStore.GrantAsync(sql, grant, cancellationToken);
            await audit.AppendAsync(sql, [AuditRecord.ByCaller(caller, now, AuditScope.Current?.RequestId ?? grant.Id, new AuditedAccess
            {
                Patient = grant.PatientKey,
                Action = "E",
                Interaction = "$" + OperationName,
                Resource = grant.PatientKey + "/$" + OperationName,
                Outcome = (int)HttpStatusCode.OK,
                Emergency = true,
                Reason = reason,
            })], cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        // The doctor's next request must see the grant, not a lookup remembered from before it.
        emergency.GrantCommitted();

        var result = new Parameters();
        result.Add("patient", new ResourceReference(grant.PatientKey));
        result.Add("expires", new Instant(grant.ExpiresAt));
        result.Add("grant", new FhirString(grant.Id));
        return new FhirResponse { Status = HttpStatusCode.OK, Resource = result };
    }

}
