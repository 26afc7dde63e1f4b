using System.Security.Claims;
using Kakehashi.Fhir.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The token endpoint's last step (OpenIddict has already authenticated the client): decide
/// which scopes to grant and what the access token says about the caller.
/// </summary>
public static class TokenEndpoint
{
    public const string Path = "/connect/token";

    public static async Task<IResult> HandleAsync(HttpContext context, SecurityStore store, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        // OpenIddict and AuthorizationServerHandlers.AuthenticateClient have authenticated this client already.
        var client = request.ClientId is { } clientId ? await store.FindClientAsync(clientId, cancellationToken) : null;
        if (request.IsAuthorizationCodeGrantType() && client is not null)
        {
            return await RedeemCodeAsync(context, store, cancellationToken);
        }

        if (!request.IsClientCredentialsGrantType() || client is null || client.IsPublic)
        {
            return Forbid(Errors.UnsupportedGrantType, "Only client_credentials is supported for this client.");
        }

        var organization = await store.FindOrganizationAsync(client.OrganizationCode, cancellationToken);
        if (organization is null)
        {
            return Forbid(Errors.InvalidClient, "The client's organization is not registered.");
        }

        var granted = GrantScopes(request.GetScopes(), client.Scopes, "system");
        if (granted is null)
        {
            return Forbid(Errors.InvalidScope, "None of the requested scopes may be granted to this client.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, KnownClaims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId)
            .SetClaim(KnownClaims.Kind, "system")
            .SetClaim(KnownClaims.Role, client.Role)
            .SetClaim(KnownClaims.Organization, organization.Code)
            .SetClaim(KnownClaims.OrganizationKind, organization.Kind)
            .SetClaim(KnownClaims.AuthenticatedAt, SecurityStore.Micros(store.Now).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(granted);
        principal.SetResources(context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.Audience);
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        await store.TouchClientAsync(client.ClientId, cancellationToken);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// OpenIddict has checked the code, its client, redirect URI and PKCE verifier. Without token
    /// storage (degraded mode) it cannot know whether the code was used before: its id joins the
    /// used-assertion table, so a second redemption fails. The account must still be enabled.
    /// </summary>
    private static async Task<IResult> RedeemCodeAsync(HttpContext context, SecurityStore store, CancellationToken cancellationToken)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        // Without token storage the code carries no id of its own: its digest identifies it.
        var code = context.GetOpenIddictServerRequest()?.Code;
        var codeId = string.IsNullOrEmpty(code) ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(code)));
        var expires = principal?.GetExpirationDate() ?? store.Now.AddMinutes(10);
        if (principal is null || codeId is null || !await store.TryUseAssertionAsync("authorization_code", codeId, expires, cancellationToken))
        {
            return Forbid(Errors.InvalidGrant, "The authorization code is invalid or was already used.");
        }

        var account = await store.FindAccountAsync(principal.GetClaim(Claims.Subject) ?? "", cancellationToken);
        if (account is null || account.IsDisabled)
        {
            return Forbid(Errors.InvalidGrant, "The account is disabled.");
        }

        var identity = new ClaimsIdentity(principal.Claims, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, KnownClaims.Role);
        var renewed = new ClaimsPrincipal(identity);
        renewed.SetDestinations(static _ => [Destinations.AccessToken]);
        await store.TouchAccountAsync(account.Id, cancellationToken);
        return Results.SignIn(renewed, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The requested scopes this client may have (all it may have when none are requested);
    /// null when nothing remains. Only the given SMART context (<c>system</c> for systems) counts.
    /// </summary>
    public static List<string>? GrantScopes(IEnumerable<string> requested, string allowed, string context)
    {
        var allowedScopes = SmartScope.ParseAll(allowed).Where(s => s.Context == context).ToList();
        var requestedList = requested.ToList();
        if (requestedList.Count == 0)
        {
            return allowedScopes.Count == 0 ? null : [.. allowedScopes.Select(s => s.ToString())];
        }

        var granted = new List<string>();
        foreach (var text in requestedList)
        {
            if (SmartScope.TryParse(text, out var scope) && scope.Context == context &&
                allowedScopes.Any(a => (a.IsWildcard || a.ResourceType == scope.ResourceType) && scope.Actions.All(c => a.Actions.Contains(c, StringComparison.Ordinal)) && a.Narrowing.Count == 0))
            {
                granted.Add(scope.ToString());
            }
        }

        return granted.Count == 0 ? null : granted;
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
