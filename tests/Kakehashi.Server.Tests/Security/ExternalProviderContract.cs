using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Kakehashi.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.IdentityModel.Tokens;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// External OpenID Connect provider mode (<c>Kakehashi:Security:Authority</c>): a second
/// Kakehashi server without its own authorization server trusts the tokens of the first one,
/// found through the provider's discovery document and key set — with the roles the tokens
/// carry — and refuses tokens signed by anyone else. The second server reaches the provider
/// in-process (no network, plain HTTP as every test server); nothing in the server's own
/// configuration is relaxed for it.
/// </summary>
public abstract class ExternalProviderContract(ServerFixture provider) : IAsyncLifetime
{
    private const string Issuer = "http://localhost/";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "kakehashi-tests", Guid.NewGuid().ToString("N"));

    private WebApplicationFactory<Program> resourceServer = null!;

    private TestSystemClient doctor = null!;

    public async Task InitializeAsync()
    {
        doctor = await provider.RegisterClientAsync("doctor", "hospital");
        var settings = new Dictionary<string, string?>
        {
            ["Kakehashi:Storage:Provider"] = "Sqlite",
            ["Kakehashi:Storage:DataDirectory"] = directory,
            ["Kakehashi:Storage:Durable"] = "false",
            ["Kakehashi:SeedDemoData"] = "false",
            ["Kakehashi:Security:Authority"] = Issuer,
            // Test servers speak plain HTTP in-process; a production Authority must be https://.
            ["Kakehashi:Security:AllowHttpAuthorityInDevelopment"] = "true",
            ["Kakehashi:Security:DemoClient:Enabled"] = "false",
            // The provider says who callers are; this server still knows its clients, to disable one at once.
            ["Kakehashi:Security:Organizations:0:Code"] = doctor.OrganizationCode,
            ["Kakehashi:Security:Organizations:0:Kind"] = "hospital",
            ["Kakehashi:Security:Organizations:0:Name"] = "Test hospital",
            ["Kakehashi:Security:Clients:0:ClientId"] = doctor.ClientId,
            ["Kakehashi:Security:Clients:0:OrganizationCode"] = doctor.OrganizationCode,
            ["Kakehashi:Security:Clients:0:Role"] = "doctor",
            ["Kakehashi:Security:Clients:0:Scopes"] = doctor.Scopes,
        };
        var toProvider = provider.CreateServerHandler();
        resourceServer = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            // OpenIddict fetches the provider's metadata and keys over HTTP: route those requests to the in-process provider.
            builder.ConfigureTestServices(services => services.ConfigureAll<HttpClientFactoryOptions>(options =>
                options.HttpMessageHandlerBuilderActions.Add(handlers => handlers.AdditionalHandlers.Add(new ForwardingHandler(toProvider)))));
        });
        _ = resourceServer.Server;
    }

    public async Task DisposeAsync()
    {
        await resourceServer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the OS temp cleaner will get it.
        }
    }

    private HttpClient ResourceServerClient(string token)
    {
        var http = resourceServer.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(ServerFixture.BaseUrl + "/") });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task ATokenFromTheProvider_IsAccepted_WithTheRoleItCarries()
    {
        var (token, _) = await provider.RequestTokenAsync(doctor);
        using var http = ResourceServerClient(token);

        var created = await http.CreateAsync(PatientJson(Unique("外部")));
        await (await http.GetAsync($"Patient/{(string)created["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        // A doctor, as the token says: claims are not a doctor's to read.
        await (await http.GetAsync("Claim")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // This server issues no tokens of its own in this mode.
        using var anonymous = resourceServer.CreateClient();
        var local = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
    }

    [Fact]
    public async Task TokensFromElsewhere_AreRefused()
    {
        // Signed by a key the provider does not publish, with the provider's issuer and the right audience.
        using var rogue = RSA.Create(2048);
        var now = DateTime.UtcNow;
        var forged = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "kakehashi-fhir",
            TokenType = "at+jwt",
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = doctor.ClientId,
                ["kh_kind"] = "system",
                ["kh_role"] = "doctor",
                ["kh_org"] = doctor.OrganizationCode,
                ["kh_org_kind"] = "hospital",
                ["scope"] = "system/*.cruds",
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rogue), SecurityAlgorithms.RsaSha256),
        });
        using (var http = ResourceServerClient(forged))
        {
            await (await http.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        }

        // A genuine provider token for a client this server does not know.
        var stranger = await provider.RegisterClientAsync("doctor", "hospital");
        var (token, _) = await provider.RequestTokenAsync(stranger);
        using (var http = ResourceServerClient(token))
        {
            await (await http.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        }

        // The control: the registered client's genuine token passes.
        var (good, _) = await provider.RequestTokenAsync(doctor);
        using (var http = ResourceServerClient(good))
        {
            await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public void AnHttpAuthority_IsRefusedAtStart_OutsideDevelopment()
    {
        using var production = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Kakehashi:Storage:DataDirectory", directory + "-production");
            builder.UseSetting("Kakehashi:Security:Authority", Issuer);
            builder.UseSetting("Kakehashi:Security:AllowHttpAuthorityInDevelopment", "true");
        });
        var refused = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("Kakehashi:Security:Authority must be an https:// issuer", refused.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Sends what OpenIddict asks of the provider to the in-process provider instead of the network.</summary>
    private sealed class ForwardingHandler(HttpMessageHandler provider) : DelegatingHandler
    {
        private readonly HttpMessageInvoker invoker = new(provider, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                invoker.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

public sealed class SqliteExternalProviderTests(SqliteServerFixture provider) : ExternalProviderContract(provider), IClassFixture<SqliteServerFixture>;

public sealed class PostgresExternalProviderTests(PostgresServerFixture provider) : ExternalProviderContract(provider), IClassFixture<PostgresServerFixture>;
