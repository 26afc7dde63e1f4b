using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Kakehashi.Platform.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Kakehashi.Server.Tests.Support;

/// <summary>
/// One in-process Kakehashi server on a real database, shared by the tests of a class. Each
/// test creates its own data (unique identifiers), so tests never depend on each other.
/// Authorization is on, as in every mode: <see cref="Client"/>, <see cref="CreateClient()"/> and
/// <see cref="CreateHandler"/> act as a trusted system client of the operator with full system
/// scopes, whose tokens come from the real token endpoint (client_credentials with a
/// private_key_jwt signed by a key generated here). <see cref="RegisterClientAsync"/> gives a
/// client of any role and organization kind for the authorization tests.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string TokenEndpoint = "http://localhost/connect/token";

    /// <summary>A public interactive application (login page, authorization code + PKCE).</summary>
    public const string AppClientId = "kakehashi-test-app";

    public const string AppRedirectUri = "http://localhost/app/callback";

    private static int codeSequence = RandomNumberGenerator.GetInt32(1000, 9000);

    private WebApplicationFactory<Program>? factory;

    public abstract string ProviderName { get; }

    public HttpClient Client { get; private set; } = null!;

    public static string BaseUrl => "http://localhost/fhir";

    public IServiceProvider Services => factory!.Services;

    /// <summary>The operator organization the default system client belongs to (an insurer-style number).</summary>
    public string OperatorCode { get; } = InstitutionCodes.WithCheckDigit("9999999");

    /// <summary>The key the server signs its access tokens with: the attack tests forge tokens with it that must still be refused.</summary>
    public RSA ServerSigningKey { get; } = RSA.Create(2048);

    /// <summary>The trusted system client behind <see cref="Client"/>.</summary>
    public TestSystemClient SystemClient { get; private set; } = null!;

    protected abstract Task<Dictionary<string, string?>> PrepareStorageAsync();

    protected virtual Task CleanUpStorageAsync() => Task.CompletedTask;

    /// <summary>Services a derived fixture replaces after the server registered its own (e.g. a clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Settings a derived fixture adds or overrides (e.g. a validation mode).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var settings = await PrepareStorageAsync();
        settings["Kakehashi:SeedDemoData"] = "false";
        settings["Kakehashi:Limits:MaxBodyBytes"] = "8388608";
        settings["Kakehashi:Limits:MaxJsonDepth"] = "40";
        settings["Kakehashi:Limits:MaxBundleEntries"] = "5000";

        SystemClient = new TestSystemClient("kakehashi-test-system", OperatorCode, "system", "system/*.cruds");
        settings["Kakehashi:Security:SigningKeyPem"] = ServerSigningKey.ExportPkcs8PrivateKeyPem();

        settings["Kakehashi:Security:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings["Kakehashi:Security:PasswordIterations"] = "1000";
        settings["Kakehashi:Security:DemoClient:Enabled"] = "false";
        settings["Kakehashi:Security:Organizations:0:Code"] = OperatorCode;
        settings["Kakehashi:Security:Organizations:0:Kind"] = "operator";
        settings["Kakehashi:Security:Organizations:0:Name"] = "Test operator";
        settings["Kakehashi:Security:Clients:0:ClientId"] = SystemClient.ClientId;
        settings["Kakehashi:Security:Clients:0:OrganizationCode"] = OperatorCode;
        settings["Kakehashi:Security:Clients:0:Role"] = SystemClient.Role;
        settings["Kakehashi:Security:Clients:0:Jwks"] = SystemClient.Jwks;
        settings["Kakehashi:Security:Clients:0:Scopes"] = SystemClient.Scopes;
        settings["Kakehashi:Security:Clients:1:ClientId"] = AppClientId;
        settings["Kakehashi:Security:Clients:1:OrganizationCode"] = OperatorCode;
        settings["Kakehashi:Security:Clients:1:Role"] = "system";
        settings["Kakehashi:Security:Clients:1:Scopes"] = "user/*.cruds patient/*.rs";
        settings["Kakehashi:Security:Clients:1:RedirectUris"] = AppRedirectUri;
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(ConfigureServices);
        });
        Client = CreateClient();
    }

    /// <summary>An HTTP client on the FHIR base, authenticated as the trusted system client.</summary>
    public HttpClient CreateClient() => CreateClient(SystemClient);

    /// <summary>An HTTP client on the FHIR base, authenticated as <paramref name="client"/>.</summary>
    public HttpClient CreateClient(TestSystemClient client, string? scope = null)
    {
        var http = factory!.CreateDefaultClient(new Uri(BaseUrl + "/"), new TokenHandler(ct => RequestTokenAsync(client, scope, ct)));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return http;
    }

    /// <summary>A handler for third-party clients (Firely's FhirClient), authenticated as the trusted system client.</summary>
    public HttpMessageHandler CreateHandler() =>
        new TokenHandler(ct => RequestTokenAsync(SystemClient, null, ct)) { InnerHandler = factory!.Server.CreateHandler() };

    /// <summary>The in-process server's own handler: for a loopback proxy that lets a real browser reach it (Ui/), or another server calling this one (ExternalProviderContract).</summary>
    public HttpMessageHandler CreateServerHandler() => factory!.Server.CreateHandler();

    /// <summary>No token at all: for the 401 tests and the token endpoint itself.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var http = factory!.CreateDefaultClient(new Uri(BaseUrl + "/"));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return http;
    }

    public Task<HttpResponseMessage> PostTokenAsync(Dictionary<string, string> form) => PostTokenEndpointAsync(TokenEndpoint, form);

    /// <summary>A form POST to the token, introspection or revocation endpoint, without any token.</summary>
    public async Task<HttpResponseMessage> PostTokenEndpointAsync(string url, Dictionary<string, string> form)
    {
        using var http = factory!.CreateDefaultClient();
        return await http.PostAsync(new Uri(url), new FormUrlEncodedContent(form));
    }

    public async Task<(string Token, int ExpiresIn)> RequestTokenAsync(TestSystemClient client, string? scope = null, CancellationToken cancellationToken = default)
    {
        using var response = await PostTokenAsync(TestSystemClient.TokenForm(client.ClientId, client.Assertion(TokenEndpoint), scope));
        return await TokenResponses.ReadAsync(response);
    }

    /// <summary>A new 10-digit institution code (with its check digit) for the given fee table: 1 medical, 3 dental, 4 pharmacy.</summary>
    public static string NewInstitutionCode(int feeTable = 1) =>
        InstitutionCodes.WithCheckDigit("13" + feeTable + Interlocked.Increment(ref codeSequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A new 8-digit insurer number with its check digit.</summary>
    public static string NewInsurerNumber() =>
        InstitutionCodes.WithCheckDigit("06" + Interlocked.Increment(ref codeSequence).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Registers a new organization of <paramref name="organizationKind"/> and a system client acting in <paramref name="role"/> for it, through the admin API.</summary>
    public async Task<TestSystemClient> RegisterClientAsync(string role, string organizationKind, string scopes = "system/*.cruds")
    {
        var code = organizationKind switch
        {
            "hospital" or "clinic" => NewInstitutionCode(1),
            "dental-clinic" => NewInstitutionCode(3),
            "pharmacy" => NewInstitutionCode(4),
            _ => NewInsurerNumber(),
        };
        var organization = await Client.PostAsJsonAsync("/admin/organizations", new { code, kind = organizationKind, name = "Test " + organizationKind + " " + code });
        await FhirHttp.ExpectAsync(organization, System.Net.HttpStatusCode.Created);
        var client = new TestSystemClient(FhirHttp.Unique(role), code, role, scopes);
        var registered = await Client.PostAsJsonAsync("/admin/clients", new { clientId = client.ClientId, organizationCode = code, role, jwks = client.Jwks, scopes });
        await FhirHttp.ExpectAsync(registered, System.Net.HttpStatusCode.Created);
        return client;
    }

    /// <summary>A person's account created through the admin API, with its TOTP secret (staff and patients).</summary>
    public async Task<TestAccount> CreateAccountAsync(string jobType, string organizationCode, string? patientId = null)
    {
        var username = FhirHttp.Unique(jobType);
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var response = await Client.PostAsJsonAsync("/admin/accounts", new { username, organizationCode, jobType, displayName = "テスト " + jobType, password, patientId });
        var body = await FhirHttp.ExpectAsync(response, System.Net.HttpStatusCode.Created);
        return new TestAccount((string)body["id"]!, username, password, (string?)body["totpSecret"]);
    }

    /// <summary>A new organization of this kind, registered through the admin API; returns its code.</summary>
    public async Task<string> CreateOrganizationAsync(string kind)
    {
        var code = kind switch
        {
            "hospital" or "clinic" => NewInstitutionCode(1),
            "dental-clinic" => NewInstitutionCode(3),
            "pharmacy" => NewInstitutionCode(4),
            _ => NewInsurerNumber(),
        };
        var response = await Client.PostAsJsonAsync("/admin/organizations", new { code, kind, name = "Test " + kind + " " + code });
        await FhirHttp.ExpectAsync(response, System.Net.HttpStatusCode.Created);
        return code;
    }

    /// <summary>A browser with cookies that does not follow redirects, on the server's origin: for the login flow.</summary>
    public HttpClient CreateBrowser() =>
        factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://localhost/") });

    /// <summary>
    /// Signs in through the real flow: /connect/authorize → login page → code → token (PKCE S256).
    /// Returns the token response, or throws with what the server answered.
    /// </summary>
    public async Task<(string Token, int ExpiresIn)> LoginAsync(TestAccount account, string scope, string? totp = null)
    {
        var code = await AuthorizeAsync(account, scope, totp);
        using var response = await PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code.Code,
            ["redirect_uri"] = AppRedirectUri,
            ["client_id"] = AppClientId,
            ["code_verifier"] = code.Verifier,
        });
        return await TokenResponses.ReadAsync(response);
    }

    /// <summary>The first half of the login flow: an authorization code and its PKCE verifier.</summary>
    public async Task<(string Code, string Verifier)> AuthorizeAsync(TestAccount account, string scope, string? totp = null)
    {
        using var browser = CreateBrowser();
        var verifier = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?response_type=code&client_id=" + AppClientId + "&redirect_uri=" + Uri.EscapeDataString(AppRedirectUri) +
                        "&scope=" + Uri.EscapeDataString(scope) + "&state=s1&code_challenge=" + challenge + "&code_challenge_method=S256";
        var toLogin = await browser.GetAsync(authorize);
        var loginUrl = toLogin.Headers.Location?.ToString() ?? throw new InvalidOperationException($"No redirect to the login page ({(int)toLogin.StatusCode}): {await toLogin.Content.ReadAsStringAsync()}");
        var returnUrl = Uri.UnescapeDataString(loginUrl[(loginUrl.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..].Split('&')[0]);
        var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = account.Username,
            ["password"] = account.Password,
            ["totp"] = totp ?? (account.TotpSecret is null ? "" : Kakehashi.Platform.Security.Totp.Code(account.TotpSecret, DateTimeOffset.UtcNow)),
            ["returnUrl"] = returnUrl,
        }));
        if (login.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new LoginRefusedException((int)login.StatusCode, await login.Content.ReadAsStringAsync());
        }

        var back = await browser.GetAsync(login.Headers.Location);
        var callback = back.Headers.Location?.ToString() ?? throw new InvalidOperationException($"No redirect to the application ({(int)back.StatusCode}): {await back.Content.ReadAsStringAsync()}");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(callback).Query);
        return query.TryGetValue("code", out var value)
            ? (value.ToString(), verifier)
            : throw new InvalidOperationException("The application got no code: " + callback);
    }

    /// <summary>An HTTP client on the FHIR base that sends this bearer token.</summary>
    public HttpClient CreateClientWithToken(string token)
    {
        var http = CreateAnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        SystemClient?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await CleanUpStorageAsync();
    }
}
