using System.Net;
using Kakehashi.Server.Ui;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>The UI's public client: its redirect URI is a path, valid on the server's own origin only.</summary>
[Collection(UiCollection.Name)]
public sealed class UiClientTests(UiServerFixture server)
{
    private static string Authorize(string redirectUri) =>
        "/connect/authorize?response_type=code&client_id=" + UiExtensions.ClientId + "&redirect_uri=" + Uri.EscapeDataString(redirectUri) +
        "&scope=" + Uri.EscapeDataString(UiExtensions.Scopes) + "&state=s1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    [Fact]
    public async Task RedirectPath_IsAcceptedOnTheServersOwnOrigin_AndRefusedElsewhere()
    {
        using var browser = server.CreateBrowser();

        using var own = await browser.GetAsync(Authorize("http://localhost" + UiExtensions.RedirectPath));
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.StartsWith("/login?", own.Headers.Location?.ToString(), StringComparison.Ordinal);

        foreach (var other in new[] { "http://evil.example" + UiExtensions.RedirectPath, "http://localhost:8081" + UiExtensions.RedirectPath, "http://localhost/ui/other" })
        {
            using var refused = await browser.GetAsync(Authorize(other));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
        }
    }
}
