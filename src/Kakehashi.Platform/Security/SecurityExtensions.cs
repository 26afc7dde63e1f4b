using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Authorization is on in every mode: the built-in OpenIddict authorization server (or an
/// external OpenID Connect provider, <c>Kakehashi:Security:Authority</c>), the access guard at
/// the FHIR dispatcher, and the audit trail.
/// </summary>
public static class SecurityExtensions
{
    public static WebApplicationBuilder AddKakehashiSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Callers, organizations, consent grants and the audit log: every service needs them first.
        services.AddSingleton(new SchemaModule("platform", typeof(SecurityExtensions).Assembly));
        services.AddOptions<SecurityOptions>()
            .Bind(builder.Configuration.GetSection(SecurityOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        services.AddSingleton<SecurityStore>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton(_ => AccessPolicy.Load(options.PolicyFile));
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<SqlDialect>()));
        // Registered after the plain store: every service that writes resources now writes the audit trail with them.
        services.AddSingleton<IResourceStore>(sp => new AuditedResourceStore(
            sp.GetRequiredService<SqlResourceStore>(), sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFhirRequestGuard, FhirAccessGuard>();
        services.AddHostedService<InactivityService>();
        services.AddHostedService<JobTypeReport>();

        var openIddict = services.AddOpenIddict();
        if (options.Authority is { Length: > 0 } authority)
        {
            // The provider's keys decide who may read medical data: they are fetched over TLS.
            if (!authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase) &&
                !(options.AllowHttpAuthorityInDevelopment && builder.Environment.IsDevelopment()))
            {
                throw new InvalidOperationException(
                    $"Kakehashi:Security:Authority must be an https:// issuer ('{authority}'); Kakehashi:Security:AllowHttpAuthorityInDevelopment allows http:// in the Development environment only.");
            }

            openIddict.AddValidation(validation =>
            {
                validation.SetIssuer(authority);
                validation.AddAudiences(options.Audience);
                validation.UseSystemNetHttp();
                validation.UseAspNetCore();
            });
        }
        else
        {
            var dataDirectory = builder.Configuration[KakehashiOptions.Section + ":Storage:DataDirectory"] ?? "data";
            var keys = ServerKeys.Load(options, dataDirectory);
            // The login page's My Number card sign-in exists with the built-in authorization server only.
            services.AddSingleton(keys);
            services.AddSingleton<CardTrust>();
            services.AddSingleton<CardSignIn>();
            openIddict.AddServer(server =>
            {
                server.SetTokenEndpointUris(TokenEndpoint.Path.TrimStart('/'))
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetAuthorizationEndpointUris(LoginEndpoints.AuthorizePath.TrimStart('/'))
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks")
                    .SetConfigurationEndpointUris(".well-known/openid-configuration");
                server.AllowClientCredentialsFlow();
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                // OpenIddict also accepts (and advertises) plain; SMART and the metadata allow S256 only (AuthorizationServerHandlers refuses the rest).
                server.Configure(o => o.CodeChallengeMethods.Remove(OpenIddict.Abstractions.OpenIddictConstants.CodeChallengeMethods.Plain));
                server.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));
                server.AddSigningKey(keys.Signing).AddEncryptionKey(keys.Encryption);
                // Resource servers elsewhere (and external gateways) verify plain signed JWTs.
                server.DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(options.AccessTokenMinutes));
                // Clients live in Kakehashi's own tables; AuthorizationServerHandlers does what the OpenIddict stores would.
                server.EnableDegradedMode();
                server.DisableScopeValidation();
                server.DisableAuthorizationStorage();
                server.DisableTokenStorage();
                AuthorizationServerHandlers.Register(server);
                // TLS ends at the reverse proxy in front of Kakehashi (docs/security/deployment.md).
                server.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });
            openIddict.AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(options.Audience);
                validation.UseAspNetCore();
            });
        }

        services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .AddCookie(LoginEndpoints.CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "kakehashi-login";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                cookie.SlidingExpiration = false;
                cookie.LoginPath = "/login";
            });
        return builder;
    }

    /// <summary>Registers the configured organizations and clients, and the demo client, once.</summary>
    public static async Task InitializeSecurityAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var store = app.Services.GetRequiredService<SecurityStore>();
        var operatorCode = options.Organizations.FirstOrDefault(o => o.Kind == KnownOrganizationKinds.Operator)?.Code;
        foreach (var organization in options.Organizations)
        {
            if (!KnownOrganizationKinds.All.Contains(organization.Kind) || !KnownOrganizationKinds.IsValidCode(organization.Kind, organization.Code))
            {
                throw new InvalidOperationException($"Kakehashi:Security:Organizations: '{organization.Code}' is not a valid code for a {organization.Kind}.");
            }

            await store.AddOrganizationAsync(new Organization(organization.Code, organization.Kind, organization.Name), CancellationToken.None);
        }

        foreach (var client in options.Clients)
        {
            if (await store.FindClientAsync(client.ClientId, CancellationToken.None) is null)
            {
                await store.AddClientAsync(new RegisteredClient(client.ClientId, client.OrganizationCode, client.Role, client.DisplayName ?? client.ClientId,
                    client.Jwks, null, client.Scopes, client.RedirectUris, store.Now, null, null, null), CancellationToken.None);
            }
        }

        var demo = options.DemoClient;
        if (demo.Enabled && operatorCode is not null && await store.FindClientAsync(demo.ClientId, CancellationToken.None) is null)
        {
            var secret = demo.Secret;
            if (string.IsNullOrEmpty(secret))
            {
                secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                // The database keeps only a hash; the secret goes to an owner-only file in the data directory
                // (never committed) so that the README's one demo command can read it.
                var dataDirectory = app.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
                var file = Path.Combine(dataDirectory, "security", "demo-client-secret.txt");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, secret);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                app.Logger.LogWarning("Demo client '{ClientId}' created; its secret is in {File}", demo.ClientId, Path.GetFullPath(file));
            }

            await store.AddClientAsync(new RegisteredClient(demo.ClientId, operatorCode, KnownRoles.System, "Demo client",
                null, PasswordHasher.Hash(secret, options.PasswordIterations), demo.Scopes, null, store.Now, null, null, null), CancellationToken.None);
        }
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>The token, introspection, revocation and authorization endpoints, the key set and the discovery document.</summary>
    private static bool IsOpenIddictEndpoint(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase) ||
        context.Request.Path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase);

    public static WebApplication MapKakehashiSecurity(this WebApplication app)
    {
        // Only OpenIddict's own endpoints go through the authentication middleware: elsewhere no
        // code reads HttpContext.User (CallerResolver authenticates the bearer token itself), and
        // OpenIddict's server and validation handlers would otherwise inspect every request.
        app.UseWhen(IsOpenIddictEndpoint, branch => branch.UseAuthentication());
        // The key UseAuthentication() sets: without it WebApplication would add the middleware for every request again.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.Authority))
        {
            app.MapPost(TokenEndpoint.Path, TokenEndpoint.HandleAsync);
            app.MapLogin();
        }

        app.MapAdmin();
        app.MapMe();
        return app;
    }
}
