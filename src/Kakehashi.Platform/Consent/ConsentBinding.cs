using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>Who consent binds: staff and systems of medical institutions and pharmacies (docs/security/consent.md).</summary>
public static class ConsentBinding
{
    public static bool Binds(AccessContext caller) =>
        caller.Role != KnownRoles.Patient && caller.OrganizationCode is not null &&
        caller.OrganizationKind is { } kind && KnownOrganizationKinds.UsesInstitutionCode(kind);
}
