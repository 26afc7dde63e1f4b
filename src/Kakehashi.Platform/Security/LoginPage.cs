using System.Net;
using System.Text;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The sign-in page people meet before every app: Japanese first, English by link; the username
/// kept after a failed attempt, the first empty field focused, its own stylesheet under a CSP
/// that allows nothing inline. A deployment may add hints below the form (<see cref="ILoginHints"/>:
/// the demo lists its accounts there, never a real deployment).
/// </summary>
public static class LoginPage
{
    public const string StylePath = "/login/login.css";

    /// <summary>
    /// No script at all; no <c>form-action</c>, because after the form the authorization server
    /// redirects to the application's own (possibly other-origin) redirect URI.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    public sealed record Model(string? ReturnUrl, bool English, string? Error, string? Username);

    public static IResult Render(HttpContext http, Model model, HttpStatusCode status, bool cardSignIn = false)
    {
        var hints = http.RequestServices.GetService<ILoginHints>()?.Lines(model.English) ?? [];
        return Content(http, Html(model, hints, cardSignIn), status);
    }

    /// <summary>The My Number card page: the challenge to sign, and the certificate and signature to send back.</summary>
    public static IResult RenderCard(HttpContext http, Model m, string challenge, HttpStatusCode status)
    {
        var en = m.English;
        string T(string ja, string english) => en ? english : ja;
        var html = $"""
            <!DOCTYPE html>
            <html lang="{(en ? "en" : "ja")}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{T("マイナンバーカードでログイン — 架け橋", "Sign in with the My Number card — Kakehashi")}</title><link rel="stylesheet" href="{StylePath}"></head>
            <body><main>
            <p class="brand">{T("架け橋", "Kakehashi")} <span>{T("マイページ", "My Page")}</span></p>
            <h1>{T("マイナンバーカードでログイン", "Sign in with the My Number card")}</h1>
            {(m.Error is null ? "" : $"<p role=\"alert\" class=\"error\" id=\"login-error\">{E(m.Error)}</p>")}
            <p>{T("カードの利用者証明用電子証明書で、次の確認用文字列に署名してください（カードリーダーとアプリが行う処理です。デモでは下のコマンドで署名できます）。",
                "Sign the challenge below with the card's user certificate (the card reader and its app do this; in the demo, the command below does).")}</p>
            <form method="post" action="/login/card">
            <input type="hidden" name="returnUrl" value="{E(m.ReturnUrl)}"><input type="hidden" name="lang" value="{(en ? "en" : "ja")}">
            <p><label for="challenge">{T("確認用文字列（5分間有効・1回限り）", "Challenge (valid 5 minutes, once)")}</label><input id="challenge" name="challenge" readonly value="{E(challenge)}"></p>
            <p class="command"><code>dotnet run --project src/Kakehashi.Server -- card-sign {E(challenge)}</code></p>
            <p><label for="certificate">{T("利用者証明用電子証明書（base64）", "User certificate (base64)")}</label><textarea id="certificate" name="certificate" rows="3" required autofocus></textarea></p>
            <p><label for="signature">{T("署名（base64）", "Signature (base64)")}</label><textarea id="signature" name="signature" rows="3" required></textarea></p>
            <p><button type="submit">{T("ログイン", "Sign in")}</button></p>
            </form>
            <p><a href="/login?returnUrl={Uri.EscapeDataString(m.ReturnUrl ?? "")}&amp;lang={(en ? "en" : "ja")}">{T("パスワードでログイン", "Sign in with a password")}</a></p>
            </main></body></html>
            """;
        return Content(http, html, status);
    }

    private static IResult Content(HttpContext http, string html, HttpStatusCode status)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: (int)status);
    }

    public static IResult Style(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Text(Css, "text/css; charset=utf-8");
    }

    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    private static string Html(Model m, IReadOnlyList<string> hints, bool cardSignIn)
    {
        var en = m.English;
        string T(string ja, string english) => en ? english : ja;
        // The username after a failed attempt stays; then the password is the field to type.
        var focusUsername = string.IsNullOrEmpty(m.Username);
        var hintList = new StringBuilder();
        foreach (var hint in hints)
        {
            hintList.Append("<li>").Append(E(hint)).Append("</li>");
        }

        return $"""
            <!DOCTYPE html>
            <html lang="{(en ? "en" : "ja")}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{T("ログイン — 架け橋", "Sign in — Kakehashi")}</title><link rel="stylesheet" href="{StylePath}"></head>
            <body><main>
            <p class="brand">{T("架け橋", "Kakehashi")} <span>{T("全国医療情報プラットフォーム", "National Medical Information Platform")}</span></p>
            <h1>{T("ログイン", "Sign in")}</h1>
            {(m.Error is null ? "" : $"<p role=\"alert\" class=\"error\" id=\"login-error\">{E(m.Error)}</p>")}
            <form method="post" action="/login">
            <input type="hidden" name="returnUrl" value="{E(m.ReturnUrl)}"><input type="hidden" name="lang" value="{(en ? "en" : "ja")}">
            <p><label for="username">{T("ユーザー名", "Username")}</label><input id="username" name="username" autocomplete="username" required value="{E(m.Username)}"{(focusUsername ? " autofocus" : "")}></p>
            <p><label for="password">{T("パスワード", "Password")}</label><input id="password" name="password" type="password" autocomplete="current-password" required{(focusUsername ? "" : " autofocus")}></p>
            <p><label for="totp">{T("確認コード（職員：認証アプリの6桁）", "Verification code (staff: 6 digits from your authenticator app)")}</label><input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code"></p>
            <p><button type="submit">{T("ログイン", "Sign in")}</button></p>
            </form>
            {(cardSignIn ? $"<p><a href=\"/login/card?returnUrl={Uri.EscapeDataString(m.ReturnUrl ?? "")}&amp;lang={(en ? "en" : "ja")}\">{T("マイナンバーカードでログイン（患者の方）", "Sign in with the My Number card (patients)")}</a></p>" : "")}
            <p><a href="/login?returnUrl={Uri.EscapeDataString(m.ReturnUrl ?? "")}&amp;lang={(en ? "ja" : "en")}" lang="{(en ? "ja" : "en")}">{(en ? "日本語" : "English")}</a></p>
            {(hints.Count == 0 ? "" : $"<section class=\"hints\" aria-labelledby=\"hints-title\"><h2 id=\"hints-title\">{T("デモ用アカウント", "Demo accounts")}</h2><ul>{hintList}</ul></section>")}
            </main></body></html>
            """;
    }

    private const string Css = """
        :root { --ink: #1b1b1b; --muted: #555; --accent: #0b5cad; --bad: #a30d0d; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: system-ui, "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif; color: var(--ink); line-height: 1.6; background: #f3f6fa; }
        main { max-width: 26rem; margin: 2rem auto; padding: 1rem 1.5rem; background: #fff; border-top: 4px solid var(--accent); }
        .brand { margin: 0; font-weight: bold; font-size: 1.2rem; }
        .brand span { font-weight: normal; font-size: .85rem; color: var(--muted); }
        h1 { font-size: 1.4rem; margin: .5rem 0; }
        h2 { font-size: 1rem; }
        label { display: block; font-weight: bold; }
        textarea, input { font: inherit; width: 100%; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 3px; }
        button { font: inherit; padding: .4rem 1.2rem; border: 1px solid var(--accent); border-radius: 3px; background: var(--accent); color: #fff; cursor: pointer; }
        :focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
        .error { border: 2px solid var(--bad); background: #fff5f5; color: var(--bad); padding: .5rem 1rem; }
        .hints { border-top: 1px solid #c8c8c8; margin-top: 1rem; font-size: .9rem; }
        .hints li { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
        a { color: var(--accent); }
        .command code { display: block; font-size: .8rem; background: #f3f6fa; padding: .3rem; overflow-wrap: anywhere; }
        """;
}

/// <summary>Lines shown under the sign-in form; registered only by the demo (never in production).</summary>
public interface ILoginHints
{
    IReadOnlyList<string> Lines(bool english);
}
