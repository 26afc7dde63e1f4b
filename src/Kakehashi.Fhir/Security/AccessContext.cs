namespace Kakehashi.Fhir.Security;

/// <summary>
/// Who is asking: the authenticated caller of a FHIR interaction, taken from the access token
/// by the host. The engine never sees a token, only this. A request without one comes from
/// inside the server (start-up seeding, services calling the dispatcher) and is trusted.
/// </summary>
public sealed class AccessContext
{
    /// <summary>Account id (people) or client id (systems): the <c>sub</c> of the token.</summary>
    public required string Subject { get; init; }

    public required CallerKind Kind { get; init; }

    /// <summary>The OAuth client the token was issued to.</summary>
    public string? ClientId { get; init; }

    /// <summary>The job type (<see cref="KnownRoles"/>): what the role × resource × action policy is keyed on.</summary>
    public required string Role { get; init; }

    /// <summary>Institution code or insurer number of the caller's organization.</summary>
    public string? OrganizationCode { get; init; }

    public string? OrganizationKind { get; init; }

    /// <summary>For the patient portal role: the id of the caller's own Patient resource.</summary>
    public string? PatientId { get; init; }

    /// <summary>The SMART scopes granted to the token.</summary>
    public IReadOnlyList<SmartScope> Scopes { get; init; } = [];

    /// <summary>Purpose of use (HL7 v3 PurposeOfUse code, e.g. TREAT, ETREAT), recorded in the audit trail.</summary>
    public string PurposeOfUse { get; init; } = "TREAT";

    /// <summary>Break-the-glass access in force for this request.</summary>
    public bool Emergency { get; init; }

    /// <summary>The token's <c>jti</c>, for correlation in the audit trail.</summary>
    public string? TokenId { get; init; }
}

public enum CallerKind
{
    /// <summary>A member of staff signed in through the login page.</summary>
    Person,

    /// <summary>A patient signed in to the portal.</summary>
    Patient,

    /// <summary>An organization's system (SMART Backend Services).</summary>
    System,
}
