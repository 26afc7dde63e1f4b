using Kakehashi.Fhir.Errors;
using Kakehashi.Server.Audit;
using Kakehashi.Server.Security;

namespace Kakehashi.Server.Eligibility;

/// <summary>
/// The compact JSON endpoints for reception systems (docs/eligibility.md): one check at
/// <c>POST /eligibility/check</c>. Authorized as the FHIR operation is, audited without any
/// patient data beyond the reference of the patient found.
/// </summary>
public static class EligibilityEndpoints
{
    /// <summary>A check carries at most a certificate (~2 kB) and a few fields.</summary>
    private const long MaxCheckBytes = 64 * 1024;

    public static void MapEligibilityEndpoints(this WebApplication app)
    {
        app.MapPost("/eligibility/check", CheckAsync);
    }

    private static async Task CheckAsync(
        HttpContext http, CallerResolver callers, EligibilityAccess access, EligibilityRequests requests, EligibilityChecker checker, EligibilityAudit audit)
    {
        var caller = await callers.ResolveAsync(http);
        var requestId = Guid.NewGuid().ToString("N");
        var outer = AuditScope.Current;
        AuditScope.Current = EligibilityAudit.Scope(caller, requestId, "CoverageEligibilityRequest", "eligibility-check");
        var status = 500;
        string? patient = null;
        var audited = false;
        try
        {
            access.AuthorizeCheck(caller);
            var body = await JsonBodies.ReadAsync(http, EligibilityJson.Default.CheckRequest, MaxCheckBytes);
            var query = requests.FromJson(body, caller);
            var result = await checker.CheckAsync(query, caller, ("insuranceCard.insurerNumber", "insuranceCard.birthDate"), http.RequestAborted);
            patient = result.Match is { } match ? "Patient/" + match.Qualification.PatientId : null;
            status = 200;
            // Audited before the answer leaves: no patient data is shown without its audit row.
            await audit.RecordAsync(caller, requestId, "eligibility-check", "eligibility/check", status, [patient], http.RequestAborted);
            audited = true;
            await JsonBodies.WriteAsync(http, EligibilityAnswers.ToJson(result), EligibilityJson.Default.CheckResponse);
        }
        catch (FhirException e)
        {
            status = (int)e.Status;
            throw;
        }
        finally
        {
            AuditScope.Current = outer;
            if (!audited)
            {
                await audit.RecordAsync(caller, requestId, "eligibility-check", "eligibility/check", status, [patient], CancellationToken.None);
            }
        }
    }
}
