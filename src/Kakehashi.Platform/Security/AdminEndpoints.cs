using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The security administrator's JSON API (docs/security/admin-api.md): organizations, accounts,
/// system clients, inactivity, and the audit trail. A security administrator manages their own
/// organization (an operator's administrator, or the operator's system, manages all); patients
/// read who accessed their own data at <c>/me/access-log</c>.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapPost("/organizations", CreateOrganizationAsync);
        admin.MapGet("/organizations", async (HttpContext http, CallerResolver callers, SecurityStore store) =>
        {
            await RequireAdminAsync(http, callers, null);
            return Results.Ok(await store.ListOrganizationsAsync(http.RequestAborted));
        });
        admin.MapPost("/accounts", CreateAccountAsync);
        admin.MapGet("/accounts", ListAccountsAsync);
        admin.MapPost("/accounts/{id}/disable", (HttpContext http, string id, StatusChange? body, CallerResolver callers, SecurityStore store) =>
            SetAccountAsync(http, id, body?.Reason ?? "disabled by a security administrator", callers, store));
        admin.MapPost("/accounts/{id}/enable", (HttpContext http, string id, CallerResolver callers, SecurityStore store) =>
            SetAccountAsync(http, id, null, callers, store));
        admin.MapPost("/clients", CreateClientAsync);
        admin.MapGet("/clients", async (HttpContext http, CallerResolver callers, SecurityStore store) =>
        {
            var caller = await RequireAdminAsync(http, callers, null);
            var clients = await store.ListClientsAsync(ManagesAll(caller) ? null : caller.OrganizationCode, http.RequestAborted);
            return Results.Ok(clients.Select(c => new { c.ClientId, c.OrganizationCode, c.Role, c.DisplayName, c.Scopes, c.LastUsedAt, c.DisabledAt, c.DisabledReason }));
        });
        admin.MapPost("/clients/{id}/disable", (HttpContext http, string id, StatusChange? body, CallerResolver callers, SecurityStore store) =>
            SetClientAsync(http, id, body?.Reason ?? "disabled by a security administrator", callers, store));
        admin.MapPost("/clients/{id}/enable", (HttpContext http, string id, CallerResolver callers, SecurityStore store) =>
            SetClientAsync(http, id, null, callers, store));
        admin.MapPost("/disable-inactive", async (HttpContext http, CallerResolver callers, SecurityStore store, IOptions<SecurityOptions> options) =>
        {
            var caller = await RequireAdminAsync(http, callers, null);
            if (!ManagesAll(caller))
            {
                throw FhirException.Forbidden("Only the operator disables inactive accounts across organizations; this runs daily by itself.");
            }

            return Results.Ok(new { disabled = await store.DisableInactiveAsync(options.Value.InactiveDays, http.RequestAborted) });
        });
        admin.MapGet("/audit", async (HttpContext http, CallerResolver callers, AuditLog audit, string? patient, string? agent, DateTimeOffset? since, int? count) =>
        {
            var caller = await RequireAdminAsync(http, callers, null);
            var entries = await audit.SearchAsync(patient, agent, ManagesAll(caller) ? null : caller.OrganizationCode, since, count ?? 100, http.RequestAborted);
            return Results.Ok(entries.Select(e => new { index = e.Index, e.Record, hash = e.Hash }));
        });
        admin.MapGet("/alerts", async (HttpContext http, CallerResolver callers, Consent.EmergencyAccessStore alerts, bool? open) =>
        {
            var caller = await RequireAdminAsync(http, callers, null);
            return Results.Ok(await alerts.ListAlertsAsync(ManagesAll(caller) ? null : caller.OrganizationCode, open ?? false, http.RequestAborted));
        });
        admin.MapPost("/alerts/{id}/acknowledge", async (HttpContext http, string id, CallerResolver callers, Consent.EmergencyAccessStore alerts, TimeProvider time) =>
        {
            var alert = await alerts.FindAlertAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Alert {id} is not known.");
            var caller = await RequireAdminAsync(http, callers, alert.OrganizationCode);
            await alerts.AcknowledgeAsync(id, caller.Subject, time.GetUtcNow(), http.RequestAborted);
            return Results.NoContent();
        });
        admin.MapGet("/audit/verify", async (HttpContext http, CallerResolver callers, AuditLog audit) =>
        {
            await RequireAdminAsync(http, callers, null);
            return Results.Ok(await audit.VerifyAsync(http.RequestAborted));
        });

        app.MapGet("/me/access-log", async (HttpContext http, CallerResolver callers, AuditLog audit, DateTimeOffset? since) =>
        {
            var caller = await callers.ResolveAsync(http);
            if (caller.Role != KnownRoles.Patient || caller.PatientId is null)
            {
                throw FhirException.Forbidden("The access log of a patient's data is shown to that patient.");
            }

            var entries = await audit.SearchAsync("Patient/" + caller.PatientId, null, null, since, 500, http.RequestAborted);
            return Results.Ok(entries.Where(e => e.Record.Agent != caller.Subject).Select(e => new
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
        });
    }

    private static async Task<IResult> CreateOrganizationAsync(HttpContext http, OrganizationRequest body, CallerResolver callers, SecurityStore store)
    {
        var caller = await RequireAdminAsync(http, callers, null);
        if (!ManagesAll(caller))
        {
            throw FhirException.Forbidden("Only the operator registers organizations.");
        }

        if (!KnownOrganizationKinds.All.Contains(body.Kind))
        {
            throw FhirException.BadRequest($"'{body.Kind}' is not an organization kind ({string.Join(", ", KnownOrganizationKinds.All)}).");
        }

        if (!KnownOrganizationKinds.IsValidCode(body.Kind, body.Code ?? ""))
        {
            throw FhirException.BadRequest(KnownOrganizationKinds.UsesInstitutionCode(body.Kind)
                ? $"'{body.Code}' is not a valid 10-digit institution code (the last digit is a check digit)."
                : $"'{body.Code}' is not a valid insurer number (6 or 8 digits with a check digit).");
        }

        if (string.IsNullOrWhiteSpace(body.Name))
        {
            throw FhirException.BadRequest("An organization needs a name.");
        }

        return await store.AddOrganizationAsync(new Organization(body.Code!, body.Kind, body.Name), http.RequestAborted)
            ? Results.Created("/admin/organizations/" + body.Code, body)
            : throw FhirException.Conflict($"Organization {body.Code} already exists.");
    }

    private static async Task<IResult> CreateAccountAsync(HttpContext http, AccountRequest body, CallerResolver callers, SecurityStore store, IOptions<SecurityOptions> options)
    {
        var caller = await RequireAdminAsync(http, callers, body.OrganizationCode);
        var organization = await store.FindOrganizationAsync(body.OrganizationCode ?? "", http.RequestAborted)
            ?? throw FhirException.BadRequest($"Organization '{body.OrganizationCode}' is not registered.");
        if (!KnownRoles.JobTypes.Contains(body.JobType) && body.JobType != KnownRoles.Patient)
        {
            throw FhirException.BadRequest($"'{body.JobType}' is not a job type ({string.Join(", ", KnownRoles.JobTypes)}, or patient).");
        }

        if (!KnownOrganizationKinds.Employs(organization.Kind, body.JobType))
        {
            throw FhirException.BadRequest($"A {organization.Kind} has no {body.JobType} accounts.");
        }

        if (body.JobType == KnownRoles.Patient && string.IsNullOrEmpty(body.PatientId))
        {
            throw FhirException.BadRequest("A patient account must name its Patient record (patientId).");
        }

        if (string.IsNullOrWhiteSpace(body.Username) || body.Username.Length > 100)
        {
            throw FhirException.BadRequest("A username is required (one person, one account: no shared accounts).");
        }

        if (body.Password is not { Length: >= 12 })
        {
            throw FhirException.BadRequest("The initial password must have at least 12 characters.");
        }

        if (await store.FindAccountByUsernameAsync(body.Username, http.RequestAborted) is not null)
        {
            throw FhirException.Conflict($"The username '{body.Username}' is taken.");
        }

        // Staff sign in with a second factor; the secret is shown once, to be put in an authenticator app.
        var totp = body.JobType == KnownRoles.Patient ? null : Totp.NewSecret();
        var account = new Account(Guid.NewGuid().ToString("D"), body.Username, organization.Code, body.JobType, body.PatientId, body.DisplayName ?? body.Username,
            PasswordHasher.Hash(body.Password, options.Value.PasswordIterations), totp, 0, null, store.Now, null, null, null);
        await store.AddAccountAsync(account, http.RequestAborted);
        _ = caller;
        return Results.Created("/admin/accounts/" + account.Id, new { account.Id, account.Username, account.OrganizationCode, account.JobType, account.PatientId, totpSecret = totp });
    }

    private static async Task<IResult> ListAccountsAsync(HttpContext http, CallerResolver callers, SecurityStore store, IOptions<SecurityOptions> options, string? organization, bool? inactive)
    {
        var caller = await RequireAdminAsync(http, callers, organization);
        var accounts = await store.ListAccountsAsync(ManagesAll(caller) ? organization : caller.OrganizationCode, http.RequestAborted);
        var cutoff = store.Now - TimeSpan.FromDays(options.Value.InactiveDays);
        return Results.Ok(accounts
            .Where(a => inactive != true || a.IsDisabled || (a.LastUsedAt ?? a.CreatedAt) < cutoff)
            .Select(a => new { a.Id, a.Username, a.OrganizationCode, a.JobType, a.PatientId, a.DisplayName, a.LastUsedAt, a.DisabledAt, a.DisabledReason, locked = a.LockedUntil > store.Now }));
    }

    private static async Task<IResult> SetAccountAsync(HttpContext http, string id, string? reason, CallerResolver callers, SecurityStore store)
    {
        var account = await store.FindAccountAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Account {id} is not known.");
        await RequireAdminAsync(http, callers, account.OrganizationCode);
        await store.SetAccountDisabledAsync(id, reason, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateClientAsync(HttpContext http, ClientRequest body, CallerResolver callers, SecurityStore store)
    {
        await RequireAdminAsync(http, callers, body.OrganizationCode);
        var organization = await store.FindOrganizationAsync(body.OrganizationCode ?? "", http.RequestAborted)
            ?? throw FhirException.BadRequest($"Organization '{body.OrganizationCode}' is not registered.");
        if (!KnownRoles.All.Contains(body.Role) || body.Role == KnownRoles.Patient)
        {
            throw FhirException.BadRequest($"'{body.Role}' is not a role a system can act in.");
        }

        if (body.Role == KnownRoles.System && organization.Kind != KnownOrganizationKinds.Operator)
        {
            throw FhirException.BadRequest("Only the operator's own systems act with the unrestricted 'system' role.");
        }

        if (!KnownOrganizationKinds.Employs(organization.Kind, body.Role))
        {
            // A system acts as a job type of its organization: a research body's system is no doctor.
            throw FhirException.BadRequest($"A {organization.Kind} has no {body.Role} systems.");
        }

        if (string.IsNullOrWhiteSpace(body.ClientId) || await store.FindClientAsync(body.ClientId, http.RequestAborted) is not null)
        {
            throw FhirException.Conflict($"The client id '{body.ClientId}' is missing or taken.");
        }

        try
        {
            if (new JsonWebKeySet(body.Jwks).GetSigningKeys().Count == 0)
            {
                throw FhirException.BadRequest("The JSON Web Key Set holds no signing key.");
            }
        }
        catch (ArgumentException)
        {
            throw FhirException.BadRequest("jwks must be a JSON Web Key Set with the client's public RS384 or ES384 key.");
        }

        if (SmartScope.ParseAll(body.Scopes).Count == 0)
        {
            throw FhirException.BadRequest("scopes must list the SMART system scopes the client may be granted, e.g. system/Patient.rs.");
        }

        await store.AddClientAsync(new RegisteredClient(body.ClientId, organization.Code, body.Role, body.DisplayName ?? body.ClientId, body.Jwks, null, body.Scopes!, null, store.Now, null, null, null), http.RequestAborted);
        return Results.Created("/admin/clients/" + body.ClientId, new { body.ClientId, organization.Code, body.Role, body.Scopes });
    }

    private static async Task<IResult> SetClientAsync(HttpContext http, string id, string? reason, CallerResolver callers, SecurityStore store)
    {
        var client = await store.FindClientAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Client {id} is not known.");
        await RequireAdminAsync(http, callers, client.OrganizationCode);
        await store.SetClientDisabledAsync(id, reason, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<AccessContext> RequireAdminAsync(HttpContext http, CallerResolver callers, string? organizationCode)
    {
        var caller = await callers.ResolveAsync(http);
        if (caller.Role is not (KnownRoles.SecurityAdministrator or KnownRoles.System))
        {
            throw FhirException.Forbidden("Only security administrators may do this.");
        }

        if (organizationCode is not null && !ManagesAll(caller) && organizationCode != caller.OrganizationCode)
        {
            throw FhirException.Forbidden("A security administrator manages the accounts of their own organization.");
        }

        return caller;
    }

    private static bool ManagesAll(AccessContext caller) =>
        caller.Role == KnownRoles.System || caller.OrganizationKind == KnownOrganizationKinds.Operator;


    public sealed record OrganizationRequest(string? Code, string Kind, string Name);

    public sealed record AccountRequest(string Username, string? OrganizationCode, string JobType, string? DisplayName, string? Password, string? PatientId);

    public sealed record ClientRequest(string ClientId, string? OrganizationCode, string Role, string? DisplayName, string? Jwks, string? Scopes);

    public sealed record StatusChange([property: JsonPropertyName("reason")] string? Reason);
}
