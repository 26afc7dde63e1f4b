using System.Globalization;
using System.Net;
using System.Security.Claims;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Turns the bearer token of an HTTP request into an <see cref="AccessContext"/>, or refuses
/// with 401. Besides the token's signature, audience and expiry (OpenIddict validation), the
/// account or client must still be enabled and the token not revoked: checked on every request,
/// so disabling takes effect at once rather than when the token expires.
/// </summary>
public sealed class CallerResolver(SecurityStore store, Audit.AuditLog audit, TimeProvider time)
{
    public async Task<AccessContext> ResolveAsync(HttpContext context)
    {
        // A token seen moments ago: validated then and its caller found active (ActiveCallerCache says how long that stands).
        var token = BearerToken(context);
        var tokenHash = token.IsEmpty ? (TokenHash?)null : TokenHash.Of(token);
        if (tokenHash is { } known && store.ActiveCallers.TryGetResolved(known, out var remembered))
        {
            return remembered;
        }

        var result = await AuthenticateAsync(context);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            throw await UnauthorizedAsync(context, (AccessContext?)null, context.Request.Headers.Authorization.Count == 0
                ? "This request needs an access token (Authorization: Bearer …); see /.well-known/smart-configuration."
                : "The access token is invalid or expired.");
        }

        if (NotYetValid(context))
        {
            throw await UnauthorizedAsync(context, principal.GetClaim(OpenIddictConstants.Claims.Subject), "The access token is not valid yet.");
        }

        var caller = FromPrincipal(principal);
        if (caller is null)
        {
            throw await UnauthorizedAsync(context, principal.GetClaim(OpenIddictConstants.Claims.Subject), "The access token does not say who the caller is (subject and role are required).");
        }

        var generation = store.ActiveCallers.Generation;
        if (!await store.IsActiveAsync(caller.Kind == CallerKind.System, caller.Subject, caller.TokenId, AuthenticatedAt(principal), context.RequestAborted))
        {
            throw await UnauthorizedAsync(context, caller, "The access token was revoked or its account is disabled.");
        }

        if (tokenHash is { } validated && principal.GetExpirationDate() is { } expires)
        {
            store.ActiveCallers.RememberResolved(validated, caller, expires, generation);
        }

        return caller;
    }

    /// <summary>
    /// What the authentication middleware would do for OpenIddict's validation scheme, which it runs
    /// only on OpenIddict's own endpoints (SecurityExtensions): let the handler see the request
    /// first (it keeps its per-request state from there), then authenticate.
    /// </summary>
    private static async Task<AuthenticateResult> AuthenticateAsync(HttpContext context)
    {
        const string Scheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(context, Scheme) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
        {
            return AuthenticateResult.Fail("The validation handler answered the request itself.");
        }

        return await context.AuthenticateAsync(Scheme);
    }

    /// <summary>
    /// When the token's caller was authenticated: the server's own microsecond claim, else the
    /// token's creation (<c>iat</c>, whole seconds rounded down: never later than the truth), else
    /// never — such a token is refused by any re-enable.
    /// </summary>
    private static DateTimeOffset AuthenticatedAt(ClaimsPrincipal principal)
    {
        if (long.TryParse(principal.GetClaim(KnownClaims.AuthenticatedAt), NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
        {
            return SecurityStore.FromMicros(micros);
        }

        if (principal.GetCreationDate() is { } created)
        {
            return created;
        }

        return long.TryParse(principal.GetClaim(OpenIddictConstants.Claims.IssuedAt), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;
    }

    private static ReadOnlySpan<char> BearerToken(HttpContext context)
    {
        const string Bearer = "Bearer ";
        var headers = context.Request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }

        return header.AsSpan(Bearer.Length).Trim();
    }

    /// <summary>
    /// OpenIddict checks a token's expiry but not its <c>nbf</c>: a token whose validity starts
    /// later (a clock-skewed or pre-minted one) is refused here, after its signature was verified.
    /// </summary>
    private bool NotYetValid(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(header[Bearer.Length..].Trim());
        return token.ValidFrom > time.GetUtcNow().UtcDateTime + AllowedClockSkew;
    }

    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(1);

    public static AccessContext? FromPrincipal(ClaimsPrincipal principal)
    {
        var subject = principal.GetClaim(OpenIddictConstants.Claims.Subject);
        var role = principal.GetClaim(KnownClaims.Role);
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(role))
        {
            return null;
        }

        var kind = principal.GetClaim(KnownClaims.Kind) switch
        {
            "system" => CallerKind.System,
            "patient" => CallerKind.Patient,
            _ => CallerKind.Person,
        };
        return new AccessContext
        {
            Subject = subject,
            Kind = kind,
            ClientId = principal.GetClaim(OpenIddictConstants.Claims.ClientId) ?? (kind == CallerKind.System ? subject : null),
            Role = role,
            OrganizationCode = principal.GetClaim(KnownClaims.Organization),
            OrganizationKind = principal.GetClaim(KnownClaims.OrganizationKind),
            PatientId = principal.GetClaim(KnownClaims.Patient),
            Scopes = SmartScope.ParseAll(string.Join(' ', principal.GetScopes())),
            TokenId = principal.GetTokenId() ?? principal.GetClaim(OpenIddictConstants.Claims.JwtId),
        };
    }

    private Task<FhirException> UnauthorizedAsync(HttpContext context, string? subject, string message) =>
        UnauthorizedAsync(context, subject is null ? null : new AccessContext { Subject = subject, Kind = CallerKind.System, Role = "unknown" }, message);

    /// <summary>
    /// A refused authentication is an access attempt too: it is audited (who, if the token said,
    /// and what was asked), then answered 401 with the Bearer challenge.
    /// </summary>
    private async Task<FhirException> UnauthorizedAsync(HttpContext context, AccessContext? caller, string message)
    {
        var resource = context.Request.Path.Value is { Length: > 0 } path ? path : "/";
        var attempt = new Audit.AuditedAccess { Action = "E", Interaction = "authenticate", Resource = resource, Outcome = (int)HttpStatusCode.Unauthorized, Reason = message };
        await audit.AppendAsync(
            [caller is null
                ? Audit.AuditRecord.WithoutCaller("anonymous", "unknown", "TREAT", time.GetUtcNow(), context.TraceIdentifier, attempt)
                : Audit.AuditRecord.ByCaller(caller, time.GetUtcNow(), context.TraceIdentifier, attempt)],
            context.RequestAborted);

        // The error middleware clears the response before writing the outcome; add the challenge when it is sent.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"kakehashi\", error=\"invalid_token\"";
            return System.Threading.Tasks.Task.CompletedTask;
        });
        return new FhirException(HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login, message);
    }
}
