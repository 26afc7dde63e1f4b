using System.Net;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// A bearer token used again and again: the server remembers it was validated and active for
/// a moment (ActiveCallerCache), and none of that may outlive a revocation, a disabled account,
/// the token's expiry, or let through a token that differs in one character.
/// </summary>
public abstract class TokenReuseContract(ServerFixture server)
{
    [Fact]
    public async Task TokenAlteredInOneCharacter_AfterTheTokenWasAccepted_IsRefused()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await server.RequestTokenAsync(client);
        using (var http = server.CreateClientWithToken(token))
        {
            await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
            await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        }

        var last = token[^1] == 'A' ? 'B' : 'A';
        foreach (var altered in new[] { token[..^1] + last, token[..(token.LastIndexOf('.') + 1)], token + "A", token.ToUpperInvariant() })
        {
            using var http = server.CreateClientWithToken(altered);
            await (await http.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task TokenRevokedThroughThisServer_AfterRepeatedUse_IsRefusedAtOnce()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await server.RequestTokenAsync(client);
        using var http = server.CreateClientWithToken(token);
        for (var i = 0; i < 3; i++)
        {
            await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        }

        var revoke = await server.PostTokenEndpointAsync("http://localhost/connect/revoke", new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = client.Assertion("http://localhost/connect/revoke"),
        });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await (await http.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenRevokedByAnotherServer_AfterRepeatedUse_LosesAccessWithinSeconds()
    {
        var client = await server.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await server.RequestTokenAsync(client);
        using var http = server.CreateClientWithToken(token);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        // Straight in the shared database, as another server process's revocation endpoint would write it.
        var jwt = new JsonWebToken(token);
        await ExecuteAsync("INSERT INTO security_revoked_tokens (token_id, expires_at) VALUES (@p0, @p1)", jwt.Id, SecurityStore.Micros(new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceRefusedAsync(http, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task AccountDisabledByAnotherServer_AfterRepeatedUse_LosesAccessWithinSeconds()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var (token, _) = await server.LoginAsync(doctor, "user/*.cruds");
        using var http = server.CreateClientWithToken(token);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        await ExecuteAsync("UPDATE security_accounts SET disabled_at = 1, disabled_reason = 'elsewhere' WHERE id = @p0", doctor.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceRefusedAsync(http, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task ShortLivedToken_AcceptedRepeatedly_IsRefusedOnceExpired()
    {
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost/",
            Audience = "kakehashi-fhir",
            TokenType = "at+jwt",
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddSeconds(4),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = server.SystemClient.ClientId,
                ["kh_kind"] = "system",
                ["kh_role"] = "system",
                ["scope"] = "system/*.cruds",
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(server.ServerSigningKey), SecurityAlgorithms.RsaSha256),
        });
        using var http = server.CreateClientWithToken(token);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceRefusedAsync(http, TimeSpan.FromSeconds(20)));
        // Refused for good, not by one unlucky request.
        await (await http.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Repeats a request until it is no longer answered 200, for at most <paramref name="limit"/>.</summary>
    private static async Task<HttpStatusCode> StatusOnceRefusedAsync(HttpClient http, TimeSpan limit)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await http.GetAsync("Patient?_count=1")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTimeOffset.UtcNow < deadline);

        return status;
    }

    private async Task ExecuteAsync(string sql, params object?[] values)
    {
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}

public sealed class SqliteTokenReuseTests(SqliteServerFixture server) : TokenReuseContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTokenReuseTests(PostgresServerFixture server) : TokenReuseContract(server), IClassFixture<PostgresServerFixture>;
