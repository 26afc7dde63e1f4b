using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Server.Tests.Security;

/// <summary>A server that trusts the tests' JPKI CA for the My Number card sign-in.</summary>
public sealed class CardSqliteFixture : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Security:CardSignIn:TrustedIssuers:0"] = TestCards.AuthorityPemFile,
    };
}

public sealed class CardPostgresFixture : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Security:CardSignIn:TrustedIssuers:0"] = TestCards.AuthorityPemFile,
    };
}

/// <summary>
/// A patient signs in with the My Number card (docs/security/card-sign-in.md): the card's user
/// certificate and its signature over the server's one-time challenge, the card linked to the
/// patient by their insurer. Tried as an attacker: a replayed form, a forged challenge, another
/// CA's card, a signature over something else, an expired card, a card of nobody's.
/// </summary>
public abstract partial class CardSignInContract(ServerFixture server)
{
    [GeneratedRegex("name=\"challenge\" readonly value=\"([^\"]+)\"")]
    private static partial Regex ChallengeField();

    private sealed record Attempt(HttpClient Browser, string ReturnUrl, string Challenge, string Verifier);

    /// <summary>The authorization request, the card page and its challenge, as a browser gets them.</summary>
    private async Task<Attempt> StartAsync()
    {
        var browser = server.CreateBrowser();
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var pkce = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?response_type=code&client_id=" + ServerFixture.AppClientId + "&redirect_uri=" + Uri.EscapeDataString(ServerFixture.AppRedirectUri) +
                        "&scope=" + Uri.EscapeDataString("patient/*.rs") + "&state=s1&code_challenge=" + pkce + "&code_challenge_method=S256";
        var toLogin = await browser.GetAsync(authorize);
        var loginUrl = toLogin.Headers.Location!.ToString();
        var returnUrl = Uri.UnescapeDataString(loginUrl[(loginUrl.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..].Split('&')[0]);
        var loginPage = await browser.GetStringAsync(loginUrl);
        Assert.Contains("/login/card?returnUrl=", loginPage, StringComparison.Ordinal);
        var cardPage = await browser.GetStringAsync("/login/card?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return new Attempt(browser, returnUrl, ChallengeField().Match(cardPage).Groups[1].Value, verifier);
    }

    private static Task<HttpResponseMessage> SendAsync(Attempt attempt, string certificate, string signature, string? challenge = null) =>
        attempt.Browser.PostAsync("/login/card", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = attempt.ReturnUrl,
            ["challenge"] = challenge ?? attempt.Challenge,
            ["certificate"] = certificate,
            ["signature"] = signature,
        }));

    private async Task<string> TokenAsync(Attempt attempt, HttpResponseMessage signedIn)
    {
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var back = await attempt.Browser.GetAsync(signedIn.Headers.Location);
        var code = QueryHelpers.ParseQuery(new Uri(back.Headers.Location!.ToString()).Query)["code"].ToString();
        using var response = await server.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = ServerFixture.AppRedirectUri,
            ["client_id"] = ServerFixture.AppClientId,
            ["code_verifier"] = attempt.Verifier,
        });
        return (await TokenResponses.ReadAsync(response)).Token;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string words)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(words, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(Insured Insured, TestCard Card, ECDsa Key)> LinkedCardAsync()
    {
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer);
        var (card, key) = TestCards.IssueSigning();
        await EligibilityData.LinkCardAsync(server.Client, insured, card);
        return (insured, card, key);
    }

    [Fact]
    public async Task TheLinkedCard_SignsItsPatientIn_Once()
    {
        var (insured, card, key) = await LinkedCardAsync();
        await server.CreateAccountAsync("patient", server.OperatorCode, insured.PatientId);

        var attempt = await StartAsync();
        var signature = TestCards.Sign(key, attempt.Challenge);
        var token = await TokenAsync(attempt, await SendAsync(attempt, card.CertificateBase64, signature));
        var claims = new JsonWebToken(token);
        Assert.Equal(insured.PatientId, claims.GetClaim("patient").Value);
        Assert.Equal("patient", claims.GetClaim("kh_role").Value);
        using var me = server.CreateClientWithToken(token);
        await (await me.GetAsync($"Patient/{insured.PatientId}")).ExpectAsync(HttpStatusCode.OK);

        // The same signed form again: refused, the challenge was used.
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, signature), "すでに使われています");
    }

    [Fact]
    public async Task ForgedOrStaleProof_IsRefused()
    {
        var (insured, card, key) = await LinkedCardAsync();
        await server.CreateAccountAsync("patient", server.OperatorCode, insured.PatientId);
        var attempt = await StartAsync();

        // A challenge the server did not make (its authentication altered).
        var forged = attempt.Challenge[..^2] + (attempt.Challenge[^2] == 'A' ? "BA" : "AA");
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(key, forged), forged), "有効期限が切れたか");

        // A signature over something else, or by another key.
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(key, attempt.Challenge + "x")), "証明書または署名");
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(otherKey, attempt.Challenge)), "証明書または署名");

        // A card from a CA the server does not trust, with the same issuer name and serial.
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rogueRequest = new CertificateRequest(TestCards.IssuerName, rogueKey, HashAlgorithmName.SHA256);
        rogueRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var rogueCa = rogueRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var cloneKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cloneRequest = new CertificateRequest("CN=clone", cloneKey, HashAlgorithmName.SHA256);
        using var clone = cloneRequest.Create(rogueCa, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), Convert.FromHexString(card.SerialHex));
        await AssertRefusedAsync(await SendAsync(attempt, Convert.ToBase64String(clone.RawData), TestCards.Sign(cloneKey, attempt.Challenge)), "証明書または署名");

        // An expired card of the trusted CA.
        var (expired, expiredKey) = TestCards.IssueSigning(TimeSpan.FromDays(1), DateTimeOffset.UtcNow.AddDays(-10));
        await AssertRefusedAsync(await SendAsync(attempt, expired.CertificateBase64, TestCards.Sign(expiredKey, attempt.Challenge)), "証明書または署名");

        // After all that, the real card still signs in with this challenge: nothing above used it up.
        await TokenAsync(attempt, await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(key, attempt.Challenge)));
    }

    [Fact]
    public async Task ACardOfNobody_OrOfAPatientWithoutAnAccount_OrADisabledOne_SignsNobodyIn()
    {
        var attempt = await StartAsync();
        var (unlinked, unlinkedKey) = TestCards.IssueSigning();
        await AssertRefusedAsync(await SendAsync(attempt, unlinked.CertificateBase64, TestCards.Sign(unlinkedKey, attempt.Challenge)), "利用できるアカウントがありません");

        var (insured, card, key) = await LinkedCardAsync();
        attempt = await StartAsync();
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(key, attempt.Challenge)), "利用できるアカウントがありません");

        var account = await server.CreateAccountAsync("patient", server.OperatorCode, insured.PatientId);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsJsonAsync($"/admin/accounts/{account.Id}/disable", new { reason = "カード紛失" })).StatusCode);
        attempt = await StartAsync();
        await AssertRefusedAsync(await SendAsync(attempt, card.CertificateBase64, TestCards.Sign(key, attempt.Challenge)), "利用できるアカウントがありません");
    }
}

public sealed class SqliteCardSignInTests(CardSqliteFixture server) : CardSignInContract(server), IClassFixture<CardSqliteFixture>;

public sealed class PostgresCardSignInTests(CardPostgresFixture server) : CardSignInContract(server), IClassFixture<CardPostgresFixture>;
