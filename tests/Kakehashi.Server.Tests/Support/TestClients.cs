using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Server.Tests.Support;

/// <summary>
/// A system client of the server under test (SMART Backend Services): its id and private key,
/// and how to build the signed client assertion (<c>private_key_jwt</c>, RS384) the token
/// endpoint expects.
/// </summary>
public sealed class TestSystemClient : IDisposable
{
    public TestSystemClient(string clientId, string organizationCode, string role, string scopes)
    {
        ClientId = clientId;
        OrganizationCode = organizationCode;
        Role = role;
        Scopes = scopes;
        Key = RSA.Create(2048);
        SigningKey = new RsaSecurityKey(Key) { KeyId = clientId + "-key" };
    }

    public string ClientId { get; }

    public string OrganizationCode { get; }

    public string Role { get; }

    public string Scopes { get; }

    public RSA Key { get; }

    public RsaSecurityKey SigningKey { get; }

    /// <summary>The public key set registered with the server.</summary>
    public string Jwks
    {
        get
        {
            var parameters = Key.ExportParameters(false);
            var key = new JsonObject
            {
                ["kty"] = "RSA",
                ["kid"] = SigningKey.KeyId,
                ["use"] = "sig",
                ["alg"] = "RS384",
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString();
        }
    }

    /// <summary>A client assertion; every part can be bent for the attack tests.</summary>
    public string Assertion(string audience, string? jti = null, TimeSpan? lifetime = null, DateTime? issuedAt = null, string algorithm = SecurityAlgorithms.RsaSha384, SecurityKey? key = null, string? issuer = null)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? ClientId,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(4)),
            Claims = new Dictionary<string, object> { ["sub"] = issuer ?? ClientId, ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(key ?? SigningKey, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static Dictionary<string, string> TokenForm(string clientId, string assertion, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        _ = clientId;
        return form;
    }

    public void Dispose() => Key.Dispose();
}

/// <summary>Attaches a bearer token from the real token endpoint to every request, fetching a fresh one before it expires.</summary>
public sealed class TokenHandler(Func<CancellationToken, Task<(string Token, int ExpiresIn)>> fetch) : DelegatingHandler
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset expires;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (token is null || DateTimeOffset.UtcNow >= expires)
            {
                var (value, expiresIn) = await fetch(cancellationToken);
                token = value;
                expires = DateTimeOffset.UtcNow.AddSeconds(Math.Max(10, expiresIn - 60));
            }

            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }

        base.Dispose(disposing);
    }
}

public static class TokenResponses
{
    public static async Task<(string Token, int ExpiresIn)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("expires_in").GetInt32());
    }
}

/// <summary>A person's account for the login tests, with its initial password and TOTP secret.</summary>
public sealed record TestAccount(string Id, string Username, string Password, string? TotpSecret);

/// <summary>The login page refused the sign-in (wrong password or code, locked, disabled).</summary>
public sealed class LoginRefusedException(int status, string page) : Exception($"The login page answered {status}.")
{
    public int Status { get; } = status;

    public string Page { get; } = page;
}
