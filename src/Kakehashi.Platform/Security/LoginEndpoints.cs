using System.Globalization;
using System.Net;
using System.Security.Claims;
using Kakehashi.Fhir.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Kakehashi.Platform.Security;

/// <summary>
/// People sign in here: authorization code + PKCE through a minimal login page (Japanese first,
/// <c>?lang=en</c> for English), password (PBKDF2 hash) plus a TOTP code for staff (each code
/// signs in once), lockout after repeated failures. The sign-in itself lives in a short cookie
/// used only to finish the authorization request; APIs accept access tokens only.
/// </summary>
public static class LoginEndpoints
{
    public const string CookieScheme = "kakehashi-login";
    public const string AuthorizePath = "/connect/authorize";

    public static void MapLogin(this WebApplication app)
    {
        app.MapMethods(AuthorizePath, ["GET", "POST"], AuthorizeAsync);
        app.MapGet("/login", (HttpContext http, string? returnUrl, string? lang) => Page(http, returnUrl, lang, null));
        app.MapGet(LoginPage.StylePath, LoginPage.Style);
        app.MapGet("/login/card", (HttpContext http, CardSignIn card, string? returnUrl, string? lang) => CardPage(http, card, returnUrl, lang, null));
        app.MapPost("/login/card", CardLoginAsync).DisableAntiforgery();
        app.MapPost("/login", LoginAsync).DisableAntiforgery();
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, SecurityStore store)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var accountId = signedIn.Principal?.FindFirstValue(Claims.Subject);
        // When the password and code were checked: the tokens carry it, and a re-enable refuses what came before (SecurityStore.IsActiveAsync).
        var authenticatedAt = signedIn.Principal?.FindFirstValue(KnownClaims.AuthenticatedAt);
        var account = accountId is null || authenticatedAt is null ? null : await store.FindAccountAsync(accountId, http.RequestAborted);
        if (account is null || account.IsDisabled)
        {
            var returnUrl = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl) + (request.UiLocales?.StartsWith("en", StringComparison.Ordinal) == true ? "&lang=en" : ""));
        }

        var client = await store.FindClientAsync(request.ClientId ?? "", http.RequestAborted);
        var organization = await store.FindOrganizationAsync(account.OrganizationCode, http.RequestAborted);
        var context = account.JobType == KnownRoles.Patient ? "patient" : "user";
        var granted = client is null || organization is null ? null : TokenEndpoint.GrantScopes(request.GetScopes(), client.Scopes, context);
        if (granted is null)
        {
            return Results.Forbid(Error(Errors.InvalidScope, "None of the requested scopes may be granted to this account through this application."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, KnownClaims.Role);
        identity.SetClaim(Claims.Subject, account.Id)
            .SetClaim(Claims.Name, account.DisplayName)
            .SetClaim(KnownClaims.Kind, account.JobType == KnownRoles.Patient ? "patient" : "person")
            .SetClaim(KnownClaims.Role, account.JobType)
            .SetClaim(KnownClaims.Organization, organization!.Code)
            .SetClaim(KnownClaims.OrganizationKind, organization.Kind)
            .SetClaim(KnownClaims.AuthenticatedAt, authenticatedAt);
        if (account.PatientId is { } patient)
        {
            identity.SetClaim(KnownClaims.Patient, patient);
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(granted);
        principal.SetResources(http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.Audience);
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        // The cookie only bridges the login page and this request: the application gets a code, then tokens.
        await http.SignOutAsync(CookieScheme);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, SecurityStore store, IOptions<SecurityOptions> options)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        var lang = form["lang"].ToString();
        if (!returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal))
        {
            // Only back into an authorization request on this server: never an open redirect.
            return Page(http, null, lang, Text(lang, "ログイン要求が不正です。アプリからやり直してください。", "Invalid sign-in request; start again from the application."), HttpStatusCode.BadRequest);
        }

        var settings = options.Value;
        var username = form["username"].ToString();
        var account = await store.FindAccountByUsernameAsync(username, http.RequestAborted);
        var failed = Text(lang, "ユーザー名、パスワードまたは確認コードが違います。", "Wrong username, password or verification code.");
        if (account is null || account.IsDisabled)
        {
            // Same answer and similar time as a wrong password: no account oracle.
            PasswordHasher.Verify(form["password"].ToString(), PasswordHasher.Hash("x", settings.PasswordIterations));
            return Page(http, returnUrl, lang, failed, HttpStatusCode.Unauthorized, username);
        }

        // Counted as a failure before the password is checked (SecurityStore.TryReserveLoginAttemptAsync):
        // reading the lock and writing the failure afterwards let parallel guesses past the limit.
        var lockout = TimeSpan.FromMinutes(settings.LockoutMinutes);
        if (!await store.TryReserveLoginAttemptAsync(account.Id, settings.MaxFailedLogins, lockout, http.RequestAborted))
        {
            return Page(http, returnUrl, lang, Text(lang, "ログインに続けて失敗したため、一時的にロックされています。", "Too many failed sign-ins: the account is locked for a while."), HttpStatusCode.Unauthorized, username);
        }

        var passwordOk = PasswordHasher.Verify(form["password"].ToString(), account.PasswordHash);
        var secondFactorOk = account.TotpSecret is null;
        if (account.TotpSecret is not null && Totp.TryMatch(account.TotpSecret, form["totp"].ToString().Trim(), store.Now, out var step))
        {
            // Each code signs in once. Claimed only with the right password: a guesser cannot use up the owner's code.
            secondFactorOk = passwordOk && await store.TryUseTotpStepAsync(account.Id, step, http.RequestAborted);
        }

        if (!passwordOk || !secondFactorOk)
        {
            // The failure was counted when the attempt was reserved.
            return Page(http, returnUrl, lang, failed, HttpStatusCode.Unauthorized, username);
        }

        return await SignInAsync(http, store, account, returnUrl);
    }

    /// <summary>The person is who they said: a short cookie bridges back into the authorization request.</summary>
    private static async Task<IResult> SignInAsync(HttpContext http, SecurityStore store, Account account, string returnUrl)
    {
        await store.RecordLoginSucceededAsync(account.Id, http.RequestAborted);
        var identity = new ClaimsIdentity(CookieScheme, Claims.Subject, null);
        identity.AddClaim(new Claim(Claims.Subject, account.Id));
        identity.AddClaim(new Claim(KnownClaims.AuthenticatedAt, SecurityStore.Micros(store.Now).ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = store.Now.AddMinutes(10) });
        return Results.Redirect(returnUrl);
    }

    /// <summary>
    /// A patient signs in with the My Number card (<see cref="CardSignIn"/>): the card's certificate
    /// and its signature over this page's challenge. A refusal says only what the person can fix;
    /// a signature cannot be guessed, and each challenge signs in once.
    /// </summary>
    private static async Task<IResult> CardLoginAsync(HttpContext http, SecurityStore store, CardSignIn card)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        var lang = form["lang"].ToString();
        if (!returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal))
        {
            return CardPage(http, card, null, lang, Text(lang, "ログイン要求が不正です。アプリからやり直してください。", "Invalid sign-in request; start again from the application."), HttpStatusCode.BadRequest);
        }

        var result = await card.VerifyAsync(form["challenge"], form["certificate"], form["signature"], http.RequestAborted);
        var accounts = result.PatientId is { } patient ? await store.FindPatientAccountsAsync(patient, http.RequestAborted) : [];
        if (accounts is [{ IsDisabled: false } account])
        {
            return await SignInAsync(http, store, account, returnUrl);
        }

        var why = result.Refusal switch
        {
            CardRefusal.Challenge => Text(lang, "確認用の文字列の有効期限が切れたか、すでに使われています。新しい文字列で署名してください。", "The challenge expired or was used already: sign the new one."),
            CardRefusal.Signature or CardRefusal.Certificate => Text(lang, "カードの証明書または署名を確認できませんでした。", "The card's certificate or signature could not be verified."),
            CardRefusal.NotOffered => Text(lang, "このサーバーではマイナンバーカードでのログインを利用できません。", "Card sign-in is not offered by this server."),
            _ => Text(lang, "このカードで利用できるアカウントがありません。保険者でカードの利用登録を確認してください。", "No account can be used with this card; check the card's registration with your insurer."),
        };
        return CardPage(http, card, returnUrl, lang, why, HttpStatusCode.Unauthorized);
    }

    private static IResult CardPage(HttpContext http, CardSignIn card, string? returnUrl, string? lang, string? error, HttpStatusCode status = HttpStatusCode.OK) =>
        card.Enabled
            ? LoginPage.RenderCard(http, new LoginPage.Model(returnUrl, lang == "en", error, null), card.NewChallenge(), status)
            : Results.NotFound();

    private static IResult Page(HttpContext http, string? returnUrl, string? lang, string? error, HttpStatusCode status = HttpStatusCode.OK, string? username = null) =>
        LoginPage.Render(http, new LoginPage.Model(returnUrl, lang == "en", error, username), status, http.RequestServices.GetRequiredService<CardSignIn>().Enabled);

    private static string Text(string? lang, string japanese, string english) => lang == "en" ? english : japanese;

    private static AuthenticationProperties Error(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
