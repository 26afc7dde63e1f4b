using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Endpoints;

namespace Kakehashi.Platform.Security;

/// <summary>
/// A patient's own pages outside the FHIR API (docs/security/admin-api.md, docs/ui.md "Patient portal"): who
/// accessed their data (<c>/me/access-log</c>) and their consents (<c>/me/consents</c>: see,
/// give, narrow, withdraw). Reserved to the patient role and to the caller's own record; every
/// call is audited like any other.
/// </summary>
public static class MeEndpoints
{
    public static void MapMe(this WebApplication app)
    {
        var me = app.MapGuardedGroup("/me");
        me.MapGet("/access-log", AccessLogAsync)
            .RequireAccess(EndpointAccess.ForRoles("access-log", "R", "read a patient's access log", KnownRoles.Patient));
        me.MapGet("/consents", async (HttpContext http, PatientConsents consents) =>
            Results.Ok(await consents.ListAsync(Own(http), BaseUrl(http), http.RequestAborted)))
            .RequireAccess(EndpointAccess.ForRoles("consent-list", "R", "read a patient's own consents", KnownRoles.Patient));
        me.MapPost("/consents", async (HttpContext http, GiveConsent body, PatientConsents consents) =>
        {
            var given = await consents.GiveAsync(Own(http), body.InstitutionCode, body.Categories, body.Until, http.RequestAborted);
            return Results.Created("/me/consents/" + given.Id, given);
        }).RequireAccess(EndpointAccess.ForRoles("consent-give", "C", "give a consent to an institution", KnownRoles.Patient));
        me.MapPost("/consents/{id}/narrow", async (HttpContext http, string id, NarrowConsent body, PatientConsents consents) =>
            Results.Ok(await consents.NarrowAsync(Own(http), id, body.Categories, body.Until, http.RequestAborted)))
            .RequireAccess(EndpointAccess.ForRoles("consent-narrow", "U", "narrow one of the patient's consents", KnownRoles.Patient));
        me.MapPost("/consents/{id}/withdraw", async (HttpContext http, string id, PatientConsents consents) =>
            Results.Ok(await consents.WithdrawAsync(Own(http), id, http.RequestAborted)))
            .RequireAccess(EndpointAccess.ForRoles("consent-withdraw", "U", "withdraw one of the patient's consents", KnownRoles.Patient));
    }

    /// <summary>The caller, with their own record reported for the audit row (the filter admits only patients linked to a record).</summary>
    private static AccessContext Own(HttpContext http)
    {
        var request = http.Guarded();
        request.AddPatient(request.Caller.PatientId!);
        return request.Caller;
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/fhir";

    /// <summary>
    /// Every access to the patient's data by someone else, newest first, with what a person needs
    /// to read it: the organization's name and kind, the job type, the kind of data (the consent
    /// category of the type), and whether it was an emergency access and why.
    /// </summary>
    private static async Task<IResult> AccessLogAsync(HttpContext http, AuditLog audit, SecurityStore store, AccessPolicy policy, DateTimeOffset? since)
    {
        var caller = Own(http);
        var entries = await audit.SearchAsync("Patient/" + caller.PatientId, null, null, since, 500, http.RequestAborted);
        var organizations = new Dictionary<string, Organization?>(StringComparer.Ordinal);
        var rows = new List<object>();
        foreach (var e in entries.Where(e => e.Record.Agent != caller.Subject))
        {
            var record = e.Record;
            Organization? organization = null;
            if (record.Organization is { } code && !organizations.TryGetValue(code, out organization))
            {
                organization = organizations[code] = await store.FindOrganizationAsync(code, http.RequestAborted);
            }

            var type = record.Resource.Split('/', 2)[0];
            var viewed = ConsentCategories.OfView(record.Interaction);
            rows.Add(new
            {
                when = record.RecordedAt,
                organization = record.Organization,
                organizationName = organization?.Name,
                organizationKind = organization?.Kind,
                jobType = record.JobType,
                action = record.Action,
                interaction = record.Interaction,
                resourceType = type,
                category = viewed ?? policy.ConsentCategoryByType.GetValueOrDefault(type),
                verb = Verb(record, viewed is not null),
                what = record.Interaction + " " + record.Resource,
                outcome = record.Outcome,
                emergency = record.Emergency,
                reason = record.Reason,
            });
        }

        return Results.Ok(rows);
    }

    /// <summary>What was done, in the words a person uses: a view is a read, whatever its HTTP shape.</summary>
    private static string Verb(AuditRecord record, bool view) => view ? "read"
        : record.Interaction.StartsWith("search", StringComparison.Ordinal) ? "search"
        : record.Action switch { "C" => "create", "R" => "read", "U" => "update", "D" => "delete", _ => "other" };
}

/// <summary>A consent the patient gives in the portal: to whom, which categories, until when.</summary>
public sealed record GiveConsent(string? InstitutionCode, List<string>? Categories, DateTimeOffset? Until);

/// <summary>Fewer categories and/or an earlier end for an existing consent.</summary>
public sealed record NarrowConsent(List<string>? Categories, DateTimeOffset? Until);
