using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Security;

/// <summary>
/// A standing relationship between an organization and patients, contributed by the service
/// that records it (an insurer and its insured persons; next, a municipality and its residents).
/// For a caller of <see cref="OrganizationKind"/>, <see cref="Consent.AccessRestrictions"/> adds the
/// patients the rule names (and what its organization wrote) to what it may see: beside consent
/// for consent-bound organizations, as the only way otherwise. Several rules may serve one kind.
/// A kind that reads through a relationship (<see cref="KnownOrganizationKinds.ReadsThroughRelationship"/>)
/// with no rule registered sees no patient data at all.
/// </summary>
public interface IRelationshipRule
{
    /// <summary>The organization kind (<see cref="KnownOrganizationKinds"/>) whose callers the rule restricts.</summary>
    string OrganizationKind { get; }

    /// <summary>The relationship for a caller of that kind whose organization code is known.</summary>
    RelationshipRequirement For(AccessContext caller, string organizationCode);
}
