using System.Globalization;
using Kakehashi.Platform.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The checks OpenIddict leaves to the host in degraded mode (no OpenIddict stores; Kakehashi
/// keeps clients in its own tables, docs/adr/0003-security-store.md): who the client is, how
/// it proved it, and that a client assertion is used once and lives at most five minutes.
/// </summary>
public static class AuthorizationServerHandlers
{
    public static readonly string[] AssertionAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];

    private static readonly string[] EndpointPaths = ["connect/token", "connect/introspect", "connect/revoke"];

    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler(ResolveClientKeys.Descriptor);
        server.AddEventHandler(MarkClientAssertion.Descriptor);
        server.AddEventHandler(AuthenticateClient.Descriptor);
        server.AddEventHandler(RecordRevocation.Descriptor);
        server.AddEventHandler(AlwaysReturnScope.Descriptor);
        server.AddEventHandler(ValidateAuthorizationClient.Descriptor);
    }

    /// <summary>
    /// At the authorization endpoint: a known, enabled application, only its registered redirect
    /// URIs (no open redirector), and PKCE with S256. A registered path (<c>/ui/callback</c>)
    /// stands for that path on this server's own origin — the public base URL's when configured,
    /// else the request's — so the built-in UI signs in whatever host and port the server is
    /// reached on.
    /// </summary>
    public sealed class ValidateAuthorizationClient(SecurityStore store, Microsoft.Extensions.Options.IOptions<KakehashiOptions> options) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                .UseSingletonHandler<ValidateAuthorizationClient>()
                .SetOrder(int.MinValue + 50_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            var client = string.IsNullOrEmpty(context.ClientId) ? null : await store.FindClientAsync(context.ClientId, CancellationToken.None);
            var redirects = client?.RedirectUris?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (client is null || client.IsDisabled || redirects.Length == 0)
            {
                context.Reject(Errors.InvalidClient, "The application is unknown or disabled.");
                return;
            }

            if (string.IsNullOrEmpty(context.RedirectUri) || !redirects.Any(r => Matches(r, context.RedirectUri, context.BaseUri)))
            {
                context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered for this application.");
                return;
            }

            // S256 only, as the metadata says: with plain the challenge is the verifier itself, so whoever
            // sees the authorization request (history, logs, a proxy) can redeem the code. No method
            // means plain (RFC 7636, 4.3).
            if (context.Request.CodeChallengeMethod != CodeChallengeMethods.Sha256)
            {
                context.Reject(Errors.InvalidRequest, "The code_challenge_method must be S256.");
            }
        }

        private bool Matches(string registered, string requested, Uri? requestBase)
        {
            if (!registered.StartsWith('/'))
            {
                return string.Equals(registered, requested, StringComparison.Ordinal);
            }

            var origin = options.Value.PublicBaseUrl is { Length: > 0 } publicBase ? new Uri(publicBase) : requestBase;
            return origin is not null && string.Equals(origin.GetLeftPart(UriPartial.Authority) + registered, requested, StringComparison.Ordinal);
        }
    }

    /// <summary>SMART requires <c>scope</c> in every token response; OAuth omits it when it equals the request.</summary>
    public sealed class AlwaysReturnScope : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseSingletonHandler<AlwaysReturnScope>()
                .SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.Response is { AccessToken: not null, Scope: null } response && context.AccessTokenPrincipal is { } principal)
            {
                response.Scope = string.Join(' ', principal.GetScopes());
            }

            return default;
        }
    }

    /// <summary>Gives OpenIddict the registered public keys of the client that claims to have signed an assertion, and only RS384/ES384.</summary>
    public sealed class ResolveClientKeys(SecurityStore store) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseSingletonHandler<ResolveClientKeys>()
                .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            // The token being validated is this request's client assertion (not one of the server's own tokens).
            if (context.Request?.ClientAssertion is not { Length: > 0 } assertion || context.Token != assertion || context.TokenValidationParameters is not { } parameters)
            {
                return;
            }

            parameters.ValidAlgorithms = AssertionAlgorithms;
            // SMART Backend Services assertions carry typ "JWT"; OpenIddict alone expects the newer client-authentication+jwt.
            parameters.ValidTypes = [.. parameters.ValidTypes ?? [], "JWT"];
            // SMART Backend Services: aud is the token endpoint URL (OpenIddict alone expects the issuer).
            if (context.BaseUri is { } baseUri)
            {
                parameters.ValidAudiences = [.. parameters.ValidAudiences ?? [], .. EndpointPaths.Select(path => new Uri(baseUri, path).AbsoluteUri)];
            }
            parameters.IssuerSigningKeys = [];
            string? issuer;
            try
            {
                issuer = new JsonWebToken(context.Token).Issuer;
            }
            catch (ArgumentException)
            {
                return;
            }

            // Unverified at this point: it only selects whose keys to try.
            if (!string.IsNullOrEmpty(issuer) && await store.FindClientAsync(issuer, CancellationToken.None) is { Jwks: { } jwks, IsDisabled: false })
            {
                parameters.IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys();
            }
        }
    }

    /// <summary>
    /// OpenIddict reads a typ of "JWT" as an identity token; a SMART client assertion says "JWT"
    /// too. Once its signature is verified with the client's key, it is marked a client assertion.
    /// </summary>
    public sealed class MarkClientAssertion : IOpenIddictServerHandler<ValidateTokenContext>
    {
        private const string ClientAssertionType = "urn:openiddict:params:oauth:token-type:client_assertion";

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseSingletonHandler<MarkClientAssertion>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (context.Principal is { } principal && context.ValidTokenTypes.Contains(ClientAssertionType) &&
                context.Request?.ClientAssertion is { Length: > 0 } assertion && context.Token == assertion)
            {
                principal.SetTokenType(ClientAssertionType);
                if (context.BaseUri is { } baseUri)
                {
                    // SMART Backend Services: aud is the token endpoint URL (OpenIddict alone expects the issuer).
                    foreach (var path in EndpointPaths)
                    {
                        context.ValidAudiences.Add(new Uri(baseUri, path).AbsoluteUri);
                    }
                }
            }

            return default;
        }
    }

    /// <summary>Client authentication at the token, introspection and revocation endpoints.</summary>
    public sealed class AuthenticateClient(SecurityStore store, Microsoft.Extensions.Options.IOptions<SecurityOptions> options) : IOpenIddictServerHandler<ProcessAuthenticationContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                .UseSingletonHandler<AuthenticateClient>()
                .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 1_500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            if (context.EndpointType is not (OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.Introspection or OpenIddictServerEndpointType.Revocation))
            {
                return;
            }

            var request = context.Request!;
            var clientId = request.ClientId;
            var client = string.IsNullOrEmpty(clientId) ? null : await store.FindClientAsync(clientId, CancellationToken.None);
            if (client is null || client.IsDisabled)
            {
                context.Reject(Errors.InvalidClient, "The client is unknown or disabled.");
                return;
            }

            if (client.Jwks is not null)
            {
                if (context.ClientAssertionPrincipal is null || string.IsNullOrEmpty(context.ClientAssertion))
                {
                    context.Reject(Errors.InvalidClient, "This client must authenticate with a signed client assertion (private_key_jwt).");
                    return;
                }

                var assertion = new JsonWebToken(context.ClientAssertion);
                var expires = assertion.ValidTo;
                var issued = assertion.IssuedAt == DateTime.MinValue ? store.Now.UtcDateTime : assertion.IssuedAt;
                var max = TimeSpan.FromSeconds(options.Value.MaxAssertionSeconds);
                if (expires - issued > max || expires - store.Now.UtcDateTime > max)
                {
                    context.Reject(Errors.InvalidClient, $"The client assertion may live at most {options.Value.MaxAssertionSeconds.ToString(CultureInfo.InvariantCulture)} seconds.");
                    return;
                }

                if (string.IsNullOrEmpty(assertion.Id))
                {
                    context.Reject(Errors.InvalidClient, "The client assertion must carry a jti.");
                    return;
                }

                if (!await store.TryUseAssertionAsync(client.ClientId, assertion.Id, new DateTimeOffset(expires, TimeSpan.Zero), CancellationToken.None))
                {
                    context.Reject(Errors.InvalidClient, "The client assertion was already used (jti replay).");
                    return;
                }
            }
            else if (client.SecretHash is not null)
            {
                if (string.IsNullOrEmpty(request.ClientSecret) || !PasswordHasher.Verify(request.ClientSecret, client.SecretHash))
                {
                    context.Reject(Errors.InvalidClient, "The client credentials are invalid.");
                    return;
                }
            }
            else if (context.EndpointType == OpenIddictServerEndpointType.Introspection ||
                     (context.EndpointType == OpenIddictServerEndpointType.Token && request.GrantType != GrantTypes.AuthorizationCode))
            {
                // A public client (no key, no secret) may only redeem an authorization code with PKCE,
                // and revoke what it was given (RFC 7009: signing out of the UI).
                context.Reject(Errors.InvalidClient, "This client cannot authenticate here.");
                return;
            }

        }
    }

    /// <summary>Revocation without OpenIddict's token store: the token id joins the revocation list until it would have expired.</summary>
    public sealed class RecordRevocation(SecurityStore store) : IOpenIddictServerHandler<HandleRevocationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
                .UseSingletonHandler<RecordRevocation>()
                .SetOrder(OpenIddictServerHandlers.Revocation.AttachPrincipal.Descriptor.Order + 1_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(HandleRevocationRequestContext context)
        {
            var token = context.Request?.Token;
            if (string.IsNullOrEmpty(token))
            {
                return;
            }

            var jwt = new JsonWebToken(token);
            if (!string.IsNullOrEmpty(jwt.Id))
            {
                await store.RevokeTokenAsync(jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), CancellationToken.None);
            }
        }
    }
}
