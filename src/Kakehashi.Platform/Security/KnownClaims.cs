namespace Kakehashi.Platform.Security;

/// <summary>
/// Claims Kakehashi puts in access tokens (and expects from an external provider): who the
/// caller is in the national platform's terms.
/// </summary>
public static class KnownClaims
{
    /// <summary><c>person</c>, <c>patient</c> or <c>system</c>.</summary>
    public const string Kind = "kh_kind";

    /// <summary>The job type / role the access policy is keyed on.</summary>
    public const string Role = "kh_role";

    /// <summary>Institution code or insurer number of the caller's organization.</summary>
    public const string Organization = "kh_org";

    public const string OrganizationKind = "kh_org_kind";

    /// <summary>SMART launch context: the patient's own record, for the portal role.</summary>
    public const string Patient = "patient";

    public const string FhirUser = "fhirUser";

    public const string Scope = "scope";

    /// <summary>
    /// When the server authenticated the caller (a person's sign-in, a system's token request), in
    /// microseconds since the Unix epoch. <c>iat</c> has whole seconds only: too coarse to tell a
    /// token issued just before an account or client was re-enabled from one issued just after.
    /// </summary>
    public const string AuthenticatedAt = "kh_auth_us";
}
