namespace Kakehashi.Platform.Security;

public sealed record Organization(string Code, string Kind, string Name);

/// <summary>A person's account: one organization, one job type, never shared.</summary>
public sealed record Account(
    string Id,
    string Username,
    string OrganizationCode,
    string JobType,
    string? PatientId,
    string DisplayName,
    string? PasswordHash,
    string? TotpSecret,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? DisabledAt,
    string? DisabledReason)
{
    public bool IsDisabled => DisabledAt is not null;
}

/// <summary>An organization's system (SMART Backend Services client) or an interactive app.</summary>
public sealed record RegisteredClient(
    string ClientId,
    string OrganizationCode,
    string Role,
    string DisplayName,
    string? Jwks,
    string? SecretHash,
    string Scopes,
    string? RedirectUris,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? DisabledAt,
    string? DisabledReason)
{
    public bool IsDisabled => DisabledAt is not null;

    /// <summary>A public client (the login page's app) authenticates with PKCE, not a key or secret.</summary>
    public bool IsPublic => Jwks is null && SecretHash is null;
}
