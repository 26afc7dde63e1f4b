using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Server.Tests.Security;

/// <summary>SMART Backend Services at the token endpoint, and bearer tokens at the FHIR endpoint: the attacks and the happy path.</summary>
public abstract class TokenContract(ServerFixture server)
{
    private const string Endpoint = ServerFixture.TokenEndpoint;

    [Fact]
    public async Task Token_PrivateKeyJwtRs384_IssuesShortLivedBearerToken()
    {
        var response = await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, server.SystemClient.Assertion(Endpoint), "system/Patient.rs"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.InRange((int)body["expires_in"]!, 1, 600);
        Assert.Equal("system/Patient.rs", (string?)body["scope"]);
        Assert.False(string.IsNullOrEmpty((string?)body["access_token"]));
    }

    [Fact]
    public async Task Token_ReplayedAssertion_IsRejected()
    {
        var assertion = server.SystemClient.Assertion(Endpoint);
        var first = await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion));
        var replay = await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ExpectRefusedAsync(replay, "invalid_client");
    }

    [Fact]
    public async Task Token_ExpiredAssertion_IsRejected()
    {
        var assertion = server.SystemClient.Assertion(Endpoint, issuedAt: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(4));
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion)));
    }

    [Fact]
    public async Task Token_AssertionLivingLongerThanFiveMinutes_IsRejected()
    {
        var assertion = server.SystemClient.Assertion(Endpoint, lifetime: TimeSpan.FromMinutes(30));
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion)), "invalid_client");
    }

    [Fact]
    public async Task Token_AssertionSignedWithAnotherKey_IsRejected()
    {
        using var other = RSA.Create(2048);
        var assertion = server.SystemClient.Assertion(Endpoint, key: new RsaSecurityKey(other) { KeyId = server.SystemClient.SigningKey.KeyId });
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion)));
    }

    [Fact]
    public async Task Token_AssertionWithRs256_IsRejected()
    {
        var assertion = server.SystemClient.Assertion(Endpoint, algorithm: SecurityAlgorithms.RsaSha256);
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion)));
    }

    [Fact]
    public async Task Token_AssertionForAnotherAudience_IsRejected()
    {
        var assertion = server.SystemClient.Assertion("https://elsewhere.example/token");
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(server.SystemClient.ClientId, assertion)));
    }

    [Fact]
    public async Task Token_AssertionNamingAnUnknownClient_IsRejected()
    {
        var assertion = server.SystemClient.Assertion(Endpoint, issuer: "no-such-client");
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm("no-such-client", assertion)));
    }

    [Fact]
    public async Task Token_WithoutClientAuthentication_IsRejected()
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = server.SystemClient.ClientId };
        await ExpectRefusedAsync(await server.PostTokenAsync(form));
    }

    [Fact]
    public async Task Token_ScopeBeyondTheClientsRegistration_IsNotGranted()
    {
        var narrow = await server.RegisterClientAsync("clerk", "clinic", "system/Patient.rs");
        var token = await server.PostTokenAsync(TestSystemClient.TokenForm(narrow.ClientId, narrow.Assertion(Endpoint), "system/*.cruds"));
        await ExpectRefusedAsync(token, "invalid_scope");

        var granted = await server.PostTokenAsync(TestSystemClient.TokenForm(narrow.ClientId, narrow.Assertion(Endpoint), "system/Patient.rs system/Condition.rs"));
        var body = JsonNode.Parse(await granted.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal("system/Patient.rs", (string?)body["scope"]);
    }

    [Fact]
    public async Task Fhir_WithoutToken_Returns401OperationOutcomeWithChallenge()
    {
        using var anonymous = server.CreateAnonymousClient();
        var response = await anonymous.GetAsync("Patient");

        await response.ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Fhir_WithGarbageToken_Returns401()
    {
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await (await anonymous.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Fhir_WithUnsignedAlgNoneToken_Returns401()
    {
        static string Part(JsonObject json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt" };
        var payload = new JsonObject
        {
            ["iss"] = "http://localhost/",
            ["aud"] = "kakehashi-fhir",
            ["sub"] = server.SystemClient.ClientId,
            ["kh_kind"] = "system",
            ["kh_role"] = "system",
            ["scope"] = "system/*.cruds",
            ["iat"] = now,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Part(header) + "." + Part(payload) + ".");

        await (await anonymous.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Fhir_WithTokenSignedByAnotherServer_Returns401()
    {
        using var rogue = RSA.Create(2048);
        var now = DateTime.UtcNow;
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost/",
            Audience = "kakehashi-fhir",
            TokenType = "at+jwt",
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = server.SystemClient.ClientId, ["kh_kind"] = "system", ["kh_role"] = "system", ["scope"] = "system/*.cruds" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rogue), SecurityAlgorithms.RsaSha256),
        });
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await (await anonymous.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Tokens signed with the server's own key, but wrong in one claim: each is refused.</summary>
    [Theory]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("expired")]
    [InlineData("not-yet-valid")]
    [InlineData("hmac-with-public-key")]
    public async Task Fhir_WithAServerSignedTokenWrongInOneWay_Returns401(string flaw)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = flaw == "issuer" ? "http://attacker.example/" : "http://localhost/",
            Audience = flaw == "audience" ? "another-api" : "kakehashi-fhir",
            TokenType = "at+jwt",
            IssuedAt = flaw == "expired" ? now.AddMinutes(-30) : now,
            NotBefore = flaw == "expired" ? now.AddMinutes(-30) : flaw == "not-yet-valid" ? now.AddMinutes(20) : now,
            Expires = flaw == "expired" ? now.AddMinutes(-20) : now.AddMinutes(flaw == "not-yet-valid" ? 30 : 5),
            Claims = new Dictionary<string, object> { ["sub"] = server.SystemClient.ClientId, ["kh_kind"] = "system", ["kh_role"] = "system", ["scope"] = "system/*.cruds" },
            SigningCredentials = flaw == "hmac-with-public-key"
                ? new SigningCredentials(new SymmetricSecurityKey(server.ServerSigningKey.ExportSubjectPublicKeyInfo()), SecurityAlgorithms.HmacSha256)
                : new SigningCredentials(new RsaSecurityKey(server.ServerSigningKey), SecurityAlgorithms.RsaSha256),
        };
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(descriptor);
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await (await anonymous.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>The same forging, with nothing wrong: proves the flaws above are what the server refuses.</summary>
    [Fact]
    public async Task Fhir_WithAServerSignedWellFormedToken_IsAccepted()
    {
        var now = DateTime.UtcNow;
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost/",
            Audience = "kakehashi-fhir",
            TokenType = "at+jwt",
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = server.SystemClient.ClientId, ["kh_kind"] = "system", ["kh_role"] = "system", ["scope"] = "system/*.cruds" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(server.ServerSigningKey), SecurityAlgorithms.RsaSha256),
        });
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await (await anonymous.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metadata_AndSmartConfiguration_ArePublic()
    {
        using var anonymous = server.CreateAnonymousClient();
        var metadata = await (await anonymous.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var smart = await (await anonymous.GetAsync(".well-known/smart-configuration")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("CapabilityStatement", (string?)metadata["resourceType"]);
        Assert.Equal("http://localhost/connect/token", (string?)smart["token_endpoint"]);
        Assert.Contains("private_key_jwt", smart["token_endpoint_auth_methods_supported"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task DisabledClient_ExistingTokenRefused_AndNoNewToken()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        using var http = server.CreateClient(client);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        var disabled = await server.Client.PostAsync($"/admin/clients/{client.ClientId}/disable", null);
        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);

        await (await http.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        await ExpectRefusedAsync(await server.PostTokenAsync(TestSystemClient.TokenForm(client.ClientId, client.Assertion(Endpoint))), "invalid_client");
    }

    [Fact]
    public async Task ReEnabledClient_TokensFromBeforeTheDisableStayRefused()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await server.RequestTokenAsync(client);
        using var old = server.CreateClientWithToken(token);
        await (await old.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsync($"/admin/clients/{client.ClientId}/disable", null)).StatusCode);
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsync($"/admin/clients/{client.ClientId}/enable", null)).StatusCode);

        // A token taken from the system while it was suspected stays dead; the system gets a new one.
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        using var fresh = server.CreateClient(client);
        await (await fresh.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ClientDisabledByAnotherServer_LosesAccessWithinSeconds()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        using var http = server.CreateClient(client);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        // Straight in the shared database, as another server process's administrator endpoint would: this server learns of it only by asking.
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenConnectionAsync(CancellationToken.None))
        await using (var command = SqlCommands.Create(connection, null, "UPDATE security_clients SET disabled_at = 1, disabled_reason = 'elsewhere' WHERE client_id = @p0", client.ClientId))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        // The remembered check lives at most Kakehashi:Security:ActiveCheckCacheSeconds (2 s by default, at most 10).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await http.GetAsync("Patient?_count=1")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task RevokedToken_IsRefused_AndIntrospectionSaysInactive()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await server.RequestTokenAsync(client);
        using var anonymous = server.CreateAnonymousClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await anonymous.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        var introspection = await Introspect(client, token);
        Assert.True((bool)introspection["active"]!);
        Assert.Equal(client.ClientId, (string?)introspection["sub"]);

        var revoke = await server.PostTokenEndpointAsync("http://localhost/connect/revoke", new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = client.Assertion("http://localhost/connect/revoke"),
        });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await (await anonymous.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<JsonNode> Introspect(TestSystemClient client, string token)
    {
        var response = await server.PostTokenEndpointAsync("http://localhost/connect/introspect", new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = client.Assertion("http://localhost/connect/introspect"),
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private static async Task ExpectRefusedAsync(HttpResponseMessage response, string? error = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"expected a refusal, got {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
        if (error is not null)
        {
            Assert.Equal(error, (string?)body["error"]);
        }
    }
}

public sealed class SqliteTokenTests(SqliteServerFixture server) : TokenContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTokenTests(PostgresServerFixture server) : TokenContract(server), IClassFixture<PostgresServerFixture>;
