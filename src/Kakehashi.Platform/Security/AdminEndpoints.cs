using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Endpoints;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The security administrator's JSON API (docs/security/admin-api.md): organizations, accounts,
/// system clients, inactivity, and the audit trail. A security administrator manages their own
/// organization (an operator's administrator, or the operator's system, manages all). The
/// endpoint filter admits security administrators and the operator's systems and audits every
/// call; the organization rules, which depend on the body or the row, stay here.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        var admin = app.MapGuardedGroup("/admin");
        admin.MapPost("/organizations", CreateOrganizationAsync).RequireAccess(Administering("organization-create", "C"));
        admin.MapGet("/organizations", async (HttpContext http, SecurityStore store) =>
            Results.Ok(await store.ListOrganizationsAsync(http.RequestAborted))).RequireAccess(Administering("organization-list", "R"));
        admin.MapPost("/accounts", CreateAccountAsync).RequireAccess(Administering("account-create", "C"));
        admin.MapGet("/accounts", ListAccountsAsync).RequireAccess(Administering("account-list", "R"));
        admin.MapPost("/accounts/{id}/disable", (HttpContext http, string id, StatusChange? body, SecurityStore store) =>
            SetAccountAsync(http, id, body?.Reason ?? "disabled by a security administrator", store)).RequireAccess(Administering("account-disable", "U"));
        admin.MapPost("/accounts/{id}/enable", (HttpContext http, string id, SecurityStore store) =>
            SetAccountAsync(http, id, null, store)).RequireAccess(Administering("account-enable", "U"));
        admin.MapPost("/accounts/{id}/reset-second-factor", ResetSecondFactorAsync).RequireAccess(Administering("account-reset-second-factor", "U"));
        admin.MapGet("/policy", (AccessPolicy policy) => Results.Ok(policy.Describe())).RequireAccess(Administering("policy-read", "R"));
        admin.MapPost("/clients", CreateClientAsync).RequireAccess(Administering("client-create", "C"));
        admin.MapGet("/clients", async (HttpContext http, SecurityStore store) =>
        {
            var caller = http.Caller();
            var clients = await store.ListClientsAsync(ManagesAll(caller) ? null : caller.OrganizationCode, http.RequestAborted);
            return Results.Ok(clients.Select(c => new { c.ClientId, c.OrganizationCode, c.Role, c.DisplayName, c.Scopes, c.LastUsedAt, c.DisabledAt, c.DisabledReason }));
        }).RequireAccess(Administering("client-list", "R"));
        admin.MapPost("/clients/{id}/disable", (HttpContext http, string id, StatusChange? body, SecurityStore store) =>
            SetClientAsync(http, id, body?.Reason ?? "disabled by a security administrator", store)).RequireAccess(Administering("client-disable", "U"));
        admin.MapPost("/clients/{id}/enable", (HttpContext http, string id, SecurityStore store) =>
            SetClientAsync(http, id, null, store)).RequireAccess(Administering("client-enable", "U"));
        admin.MapPost("/disable-inactive", async (HttpContext http, SecurityStore store, IOptions<SecurityOptions> options) =>
        {
            if (!ManagesAll(http.Caller()))
            {
                throw FhirException.Forbidden("Only the operator disables inactive accounts across organizations; this runs daily by itself.");
            }

            return Results.Ok(new { disabled = await store.DisableInactiveAsync(options.Value.InactiveDays, http.RequestAborted) });
        }).RequireAccess(Administering("disable-inactive", "U"));
        admin.MapGet("/audit", async (HttpContext http, AuditLog audit, string? patient, string? agent, string? organization, DateTimeOffset? since,
            DateTimeOffset? until, string? outcome, bool? emergency, long? before, int? count) =>
        {
            var request = http.Guarded();
            // Who accessed a patient's data is about that patient: the search shows in their own access log.
            request.AddPatientReference(patient);
            var failed = outcome switch
            {
                null or "" => (bool?)null,
                "failure" => true,
                "success" => false,
                _ => throw FhirException.BadRequest("outcome is 'success' or 'failure'.", "outcome"),
            };
            var own = ManagesAll(request.Caller) ? organization : request.Caller.OrganizationCode;
            var entries = await audit.SearchAsync(new AuditQuery
            {
                Patient = patient,
                Agent = agent,
                Organization = own,
                Since = since,
                Until = until,
                Failed = failed,
                Emergency = emergency,
                Before = before,
                Count = count ?? 100,
            }, http.RequestAborted);
            return Results.Ok(entries.Select(e => new { index = e.Index, e.Record, hash = e.Hash }));
        }).RequireAccess(Administering("audit-search", "R"));
        admin.MapGet("/alerts", async (HttpContext http, Consent.EmergencyAccessStore alerts, bool? open) =>
        {
            var caller = http.Caller();
            return Results.Ok(await alerts.ListAlertsAsync(ManagesAll(caller) ? null : caller.OrganizationCode, open ?? false, http.RequestAborted));
        }).RequireAccess(Administering("alert-list", "R"));
        admin.MapPost("/alerts/{id}/acknowledge", async (HttpContext http, string id, Consent.EmergencyAccessStore alerts, TimeProvider time) =>
        {
            var alert = await alerts.FindAlertAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Alert {id} is not known.");
            var caller = RequireOrganization(http, alert.OrganizationCode);
            await alerts.AcknowledgeAsync(id, caller.Subject, time.GetUtcNow(), http.RequestAborted);
            return Results.NoContent();
        }).RequireAccess(Administering("alert-acknowledge", "U"));
        admin.MapGet("/audit/verify", async (HttpContext http, AuditLog audit) =>
            Results.Ok(await audit.VerifyAsync(http.RequestAborted))).RequireAccess(Administering("audit-verify", "R"));
    }

    /// <summary>A lost or replaced phone: a new TOTP secret, returned once, the old codes refused from now on.</summary>
    private static async Task<IResult> ResetSecondFactorAsync(HttpContext http, string id, SecurityStore store)
    {
        var account = await store.FindAccountAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Account {id} is not known.");
        RequireOrganization(http, account.OrganizationCode);
        var secret = Totp.NewSecret();
        await store.ResetSecondFactorAsync(id, secret, http.RequestAborted);
        return Results.Ok(new { account.Id, account.Username, totpSecret = secret });
    }

    /// <summary>The admin API is outside the FHIR policy: security administrators and the operator's systems, by role alone.</summary>
    private static EndpointAccess Administering(string interaction, string action) =>
        EndpointAccess.ForRoles(interaction, action, "administer security", KnownRoles.SecurityAdministrator, KnownRoles.System);

    private static async Task<IResult> CreateOrganizationAsync(HttpContext http, OrganizationRequest body, SecurityStore store)
    {
        if (!ManagesAll(http.Caller()))
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

    private static async Task<IResult> CreateAccountAsync(HttpContext http, AccountRequest body, SecurityStore store, IOptions<SecurityOptions> options)
    {
        RequireOrganization(http, body.OrganizationCode);
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
        // Everyone who signs in as a person has a second factor: staff and patients alike (MHLW guideline v6.0).
        var totp = Totp.NewSecret();
        var account = new Account(Guid.NewGuid().ToString("D"), body.Username, organization.Code, body.JobType, body.PatientId, body.DisplayName ?? body.Username,
            PasswordHasher.Hash(body.Password, options.Value.PasswordIterations), totp, 0, null, store.Now, null, null, null);
        await store.AddAccountAsync(account, http.RequestAborted);
        return Results.Created("/admin/accounts/" + account.Id, new { account.Id, account.Username, account.OrganizationCode, account.JobType, account.PatientId, totpSecret = totp });
    }

    private static async Task<IResult> ListAccountsAsync(HttpContext http, SecurityStore store, IOptions<SecurityOptions> options, string? organization, bool? inactive)
    {
        var caller = RequireOrganization(http, organization);
        var accounts = await store.ListAccountsAsync(ManagesAll(caller) ? organization : caller.OrganizationCode, http.RequestAborted);
        var cutoff = store.Now - TimeSpan.FromDays(options.Value.InactiveDays);
        return Results.Ok(accounts
            .Where(a => inactive != true || a.IsDisabled || (a.LastUsedAt ?? a.CreatedAt) < cutoff)
            .Select(a => new { a.Id, a.Username, a.OrganizationCode, a.JobType, a.PatientId, a.DisplayName, a.LastUsedAt, a.DisabledAt, a.DisabledReason, locked = a.LockedUntil > store.Now }));
    }

    private static async Task<IResult> SetAccountAsync(HttpContext http, string id, string? reason, SecurityStore store)
    {
        var account = await store.FindAccountAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Account {id} is not known.");
        RequireOrganization(http, account.OrganizationCode);
        await store.SetAccountDisabledAsync(id, reason, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateClientAsync(HttpContext http, ClientRequest body, SecurityStore store)
    {
        RequireOrganization(http, body.OrganizationCode);
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

    private static async Task<IResult> SetClientAsync(HttpContext http, string id, string? reason, SecurityStore store)
    {
        var client = await store.FindClientAsync(id, http.RequestAborted) ?? throw FhirException.NotFound($"Client {id} is not known.");
        RequireOrganization(http, client.OrganizationCode);
        await store.SetClientDisabledAsync(id, reason, http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>The caller, refused unless it manages <paramref name="organizationCode"/> (null: no particular organization).</summary>
    private static AccessContext RequireOrganization(HttpContext http, string? organizationCode)
    {
        var caller = http.Caller();
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
