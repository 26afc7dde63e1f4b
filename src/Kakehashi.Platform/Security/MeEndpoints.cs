using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Endpoints;

namespace Kakehashi.Platform.Security;

/// <summary>
/// A patient's own pages outside the FHIR API (docs/security/admin-api.md): who accessed their
/// data, at <c>/me/access-log</c>. Reserved to the patient role; reading it is audited too.
/// </summary>
public static class MeEndpoints
{
    public static void MapMe(this WebApplication app)
    {
        var me = app.MapGuardedGroup("/me");
        me.MapGet("/access-log", async (HttpContext http, AuditLog audit, DateTimeOffset? since) =>
        {
            var request = http.Guarded();
            // The filter admits only patients linked to their record.
            var patient = "Patient/" + request.Caller.PatientId;
            request.AddPatientReference(patient);
            var entries = await audit.SearchAsync(patient, null, null, since, 500, http.RequestAborted);
            return Results.Ok(entries.Where(e => e.Record.Agent != request.Caller.Subject).Select(e => new
            {
                when = e.Record.RecordedAt,
                organization = e.Record.Organization,
                jobType = e.Record.JobType,
                action = e.Record.Action,
                what = e.Record.Interaction + " " + e.Record.Resource,
                outcome = e.Record.Outcome,
                emergency = e.Record.Emergency,
                reason = e.Record.Reason,
            }));
        }).RequireAccess(EndpointAccess.ForRoles("access-log", "R", "read a patient's access log", KnownRoles.Patient));
    }
}
