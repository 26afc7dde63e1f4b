using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// An insurer reads through the relationship a service contributes (the eligibility service's
/// insured persons); with no rule for its kind it reads no patient data at all — closed by default.
/// </summary>
public sealed class RelationshipRuleTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private static readonly AccessContext Insurer = new()
    {
        Subject = "client:insurer",
        Kind = CallerKind.System,
        Role = KnownRoles.InsurerStaff,
        OrganizationCode = "06139992",
        OrganizationKind = KnownOrganizationKinds.Insurer,
    };

    [Fact]
    public async Task TheEligibilityService_ContributesTheInsuredPersonsOfAnInsurer()
    {
        var access = await server.Services.GetRequiredService<AccessRestrictions>().ForAsync(Insurer, CancellationToken.None);

        Assert.Equal("eligibility_qualifications", access.Restriction?.Relationship?.Table);
        Assert.Contains("06139992", access.Restriction!.Relationship!.Organizations);
        Assert.Null(access.Restriction.PatientCompartments);
    }

    [Fact]
    public async Task WithoutARuleForItsKind_AnInsurerSeesNoPatient()
    {
        var unruled = ActivatorUtilities.CreateInstance<AccessRestrictions>(server.Services, Enumerable.Empty<IRelationshipRule>());

        var access = await unruled.ForAsync(Insurer, CancellationToken.None);

        Assert.Null(access.Restriction?.Relationship);
        Assert.Equal([], access.Restriction?.PatientCompartments);
    }

    [Fact]
    public async Task AnInsurerWithoutItsNumber_SeesNoPatient()
    {
        var access = await server.Services.GetRequiredService<AccessRestrictions>()
            .ForAsync(new AccessContext { Subject = "client:x", Kind = CallerKind.System, Role = KnownRoles.InsurerStaff, OrganizationKind = KnownOrganizationKinds.Insurer }, CancellationToken.None);

        Assert.Equal([], access.Restriction?.PatientCompartments);
    }
}
