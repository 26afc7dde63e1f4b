using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Ui;

/// <summary>
/// The staff web UI (docs/ui.md): reception's eligibility check and the consented history views,
/// static files served by the server itself, signing in as the public client
/// <see cref="ClientId"/> through the login page (authorization code + PKCE).
/// </summary>
public static class UiExtensions
{
    public const string ClientId = "kakehashi-ui";

    /// <summary>The patient portal's public client: patients only, their own record (<c>patient/</c> scopes).</summary>
    public const string PortalClientId = "kakehashi-portal";

    public const string PortalRedirectPath = "/portal/callback";

    /// <summary>Reading the patient's own record; consents and the access log are /me endpoints, reserved to the patient role.</summary>
    public const string PortalScopes = "patient/*.rs";

    /// <summary>Relative: the server's own origin (docs/security/admin-api.md, redirect URIs).</summary>
    public const string RedirectPath = "/ui/callback";

    /// <summary>
    /// Reading (history views, patients), the eligibility check (read + update of
    /// CoverageEligibilityRequest) and the e-prescription screens (issuing and cancelling
    /// prescriptions, registering dispensings), for people only; each still within the role's policy.
    /// </summary>
    public const string Scopes = "user/*.rs user/CoverageEligibilityRequest.u user/MedicationRequest.cu user/MedicationDispense.c";

    public static WebApplication MapUi(this WebApplication app)
    {
        app.MapUiEndpoints(UiFiles.Load());
        return app;
    }

    /// <summary>Registers the apps' public clients once, for the operator organization, with the built-in authorization server.</summary>
    public static async Task InitializeUiAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var store = app.Services.GetRequiredService<SecurityStore>();
        var operatorCode = options.Organizations.FirstOrDefault(o => o.Kind == KnownOrganizationKinds.Operator)?.Code;
        if (!string.IsNullOrEmpty(options.Authority) || operatorCode is null)
        {
            // An external identity provider registers its own applications; without an operator there is no one to own the client.
            return;
        }

        var staff = await store.FindClientAsync(ClientId, CancellationToken.None);
        if (staff is null)
        {
            await store.AddClientAsync(new RegisteredClient(ClientId, operatorCode, KnownRoles.System, "Kakehashi staff UI",
                null, null, Scopes, RedirectPath, store.Now, null, null, null), CancellationToken.None);
        }
        else if (staff.Scopes != Scopes)
        {
            // A store registered by an earlier version: the staff UI's scopes follow its screens.
            await store.SetClientScopesAsync(ClientId, Scopes, CancellationToken.None);
        }

        if (await store.FindClientAsync(PortalClientId, CancellationToken.None) is null)
        {
            await store.AddClientAsync(new RegisteredClient(PortalClientId, operatorCode, KnownRoles.System, "Kakehashi patient portal",
                null, null, PortalScopes, PortalRedirectPath, store.Now, null, null, null), CancellationToken.None);
        }
    }
}
