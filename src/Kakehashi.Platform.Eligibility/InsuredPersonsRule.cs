using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Eligibility;

/// <summary>An insurer sees the data of the persons it insures: those with a qualification under its number.</summary>
public sealed class InsuredPersonsRule : IRelationshipRule
{
    public string OrganizationKind => KnownOrganizationKinds.Insurer;

    public RelationshipRequirement For(AccessContext caller, string organizationCode) => QualificationIndex.InsuredBy(organizationCode);
}
