using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Endpoints;

/// <summary>
/// The one gate of the JSON endpoints outside the FHIR API (<c>/eligibility</c>, <c>/admin</c>,
/// <c>/me</c>): refuses an endpoint that declares no <see cref="EndpointAccess"/>, resolves the
/// caller once, authorizes as declared, and writes the request's audit row — before the result
/// is written when the handler succeeds, so no answer leaves without its row, and with the
/// error's status when it fails.
/// </summary>
public static class EndpointAccessFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        // Closed by default: an endpoint nobody said anything about never runs.
        var access = http.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>()
            ?? throw FhirException.Forbidden("This endpoint declares no access rule, so nobody may call it.");
        var services = http.RequestServices;
        var caller = await services.GetRequiredService<CallerResolver>().ResolveAsync(http);
        var request = new GuardedRequest(caller, Guid.NewGuid().ToString("N"));
        http.Features.Set(request);
        var outer = AuditScope.Current;
        AuditScope.Current = new AuditScope { Caller = caller, Interaction = access.AsInteraction(), RequestId = request.RequestId };
        var status = StatusCodes.Status500InternalServerError;
        var audited = false;
        try
        {
            Authorize(services.GetRequiredService<AccessPolicy>(), caller, access);
            var result = await next(invocation);
            status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
            // Marked first: a row that cannot be stored fails the request (500, no answer) rather than being tried twice.
            audited = true;
            await AuditAsync(services, access, request, http, status, http.RequestAborted);
            return result;
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
                await AuditAsync(services, access, request, http, status, CancellationToken.None);
            }
        }
    }

    private static void Authorize(AccessPolicy policy, AccessContext caller, EndpointAccess access)
    {
        if (access.Roles.Count > 0 && !access.Roles.Contains(caller.Role, StringComparer.Ordinal))
        {
            throw FhirException.Forbidden($"The role '{caller.Role}' may not {access.Purpose}.");
        }

        if (caller.Role == KnownRoles.Patient && caller.PatientId is null)
        {
            throw FhirException.Forbidden("This patient account is not linked to a patient record.");
        }

        foreach (var grant in access.StandsFor)
        {
            CallerGrants.Require(policy, caller, grant.ResourceType, grant.Actions, access.Purpose);
        }
    }

    /// <summary>One row per patient the handler reported (one without a patient if none), all under the request's id.</summary>
    private static Task AuditAsync(IServiceProvider services, EndpointAccess access, GuardedRequest request, HttpContext http, int status, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var resource = (http.Request.Path.Value ?? "").TrimStart('/');
        IReadOnlyCollection<string?> patients = request.Patients.Count == 0 ? [null] : [.. request.Patients];
        return services.GetRequiredService<AuditLog>().AppendAsync(
            [.. patients.Select(patient => AuditRecord.ByCaller(request.Caller, now, request.RequestId, new AuditedAccess
            {
                Patient = patient, Action = access.Action, Interaction = access.Interaction, Resource = resource, Outcome = status,
            }))],
            cancellationToken);
    }
}
