using System.ComponentModel.DataAnnotations;

namespace Kakehashi.Platform.Security;

/// <summary>The <c>Kakehashi:Security</c> configuration section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Kakehashi:Security";

    /// <summary>
    /// Issuer URL of an external OpenID Connect provider. When set, the built-in authorization
    /// server is not started and access tokens are validated against that provider's keys.
    /// </summary>
    [Url]
    public string? Authority { get; set; }

    /// <summary>
    /// Development only: accept an <c>http://</c> <see cref="Authority"/>, whose metadata and
    /// keys travel unprotected (a provider running beside the server on a developer's machine).
    /// Refused at start in any other environment; without it an Authority must be <c>https://</c>.
    /// </summary>
    public bool AllowHttpAuthorityInDevelopment { get; set; }

    /// <summary>The audience access tokens must carry (<c>aud</c>).</summary>
    [Required]
    public string Audience { get; set; } = "kakehashi-fhir";

    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 5;

    /// <summary>The longest a client assertion may live (exp − iat), SMART Backend Services: 5 minutes.</summary>
    [Range(10, 300)]
    public int MaxAssertionSeconds { get; set; } = 300;

    /// <summary>Accounts and clients unused for this many days are disabled automatically.</summary>
    [Range(1, 3650)]
    public int InactiveDays { get; set; } = 90;

    /// <summary>
    /// How long the per-request check "account or client still enabled, token not revoked" is
    /// reused for further requests with the same token, in seconds; 0 queries on every request.
    /// Disabling or revoking through this server takes effect at once regardless; done by
    /// another server process on the same database, within this time.
    /// </summary>
    [Range(0, 10)]
    public int ActiveCheckCacheSeconds { get; set; } = 2;

    /// <summary>
    /// How long a hospital doctor's unexpired emergency grants, once looked up, are reused for
    /// further requests, in seconds; 0 looks them up on every request. A grant made through this
    /// server applies at once regardless; one made through another server, within this time.
    /// Expiry always applies at the exact instant.
    /// </summary>
    [Range(0, 10)]
    public int EmergencyGrantCacheSeconds { get; set; } = 2;

    /// <summary>PBKDF2-SHA256 iterations for new password and secret hashes.</summary>
    [Range(1000, 10_000_000)]
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>Failed sign-ins before an account is locked, and for how long.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How long a break-the-glass grant (救急時医療情報閲覧) lasts.</summary>
    [Range(1, 1440)]
    public int EmergencyAccessMinutes { get; set; } = 60;

    /// <summary>PEM of the RSA key that signs access tokens; when empty, a key is generated into the data directory at first start.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>Base64 of a 256-bit key that encrypts authorization codes; generated beside the signing key when empty.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>The role × resource × action policy; empty uses the built-in <c>Security/policy.json</c>.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>Organizations created (if missing) at start.</summary>
    public List<OrganizationSeed> Organizations { get; set; } = [];

    /// <summary>System clients registered (if missing) at start, e.g. the operator's own integration.</summary>
    public List<ClientSeed> Clients { get; set; } = [];

    /// <summary>The demo confidential client for trying the server; off unless configured.</summary>
    public DemoClientOptions DemoClient { get; set; } = new();

    /// <summary>Signing in with the My Number card (docs/security/card-sign-in.md).</summary>
    public CardSignInOptions CardSignIn { get; set; } = new();
}

public sealed class OrganizationSeed
{
    public string Code { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";
}

public sealed class ClientSeed
{
    public string ClientId { get; set; } = "";

    public string OrganizationCode { get; set; } = "";

    public string Role { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary>The client's public JSON Web Key Set (private_key_jwt).</summary>
    public string? Jwks { get; set; }

    public string Scopes { get; set; } = "";

    /// <summary>For an interactive application (login page, authorization code + PKCE): its redirect URIs, space-separated. Without Jwks it is a public client.</summary>
    public string? RedirectUris { get; set; }
}

public sealed class CardSignInOptions
{
    /// <summary>
    /// PEM files of the certification authorities whose user certificates (利用者証明用電子証明書)
    /// are trusted: J-LIS's JPKI user-authentication CA in production. None: no card sign-in
    /// (the demo adds its own test CA).
    /// </summary>
    public List<string> TrustedIssuers { get; set; } = [];
}

public sealed class DemoClientOptions
{
    public bool Enabled { get; set; }

    public string ClientId { get; set; } = "demo";

    /// <summary>The demo client's secret; when empty, one is generated at first start and logged once.</summary>
    public string? Secret { get; set; }

    public string Scopes { get; set; } = "system/*.rs";
}
