using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;
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

        var relationship = Assert.Single(access.Restriction!.Relationships);
        Assert.Equal("eligibility_qualifications", relationship.Table);
        Assert.Contains("06139992", relationship.Organizations);
        Assert.Null(access.Restriction.PatientCompartments);
    }

    [Fact]
    public async Task WithoutARuleForItsKind_AnInsurerSeesNoPatient()
    {
        var unruled = ActivatorUtilities.CreateInstance<AccessRestrictions>(server.Services, Enumerable.Empty<IRelationshipRule>());

        var access = await unruled.ForAsync(Insurer, CancellationToken.None);

        Assert.Empty(access.Restriction!.Relationships);
        Assert.Equal([], access.Restriction?.PatientCompartments);
    }

    [Fact]
    public async Task AnInsurerWithoutItsNumber_SeesNoPatient()
    {
        var access = await server.Services.GetRequiredService<AccessRestrictions>()
            .ForAsync(new AccessContext { Subject = "client:x", Kind = CallerKind.System, Role = KnownRoles.InsurerStaff, OrganizationKind = KnownOrganizationKinds.Insurer }, CancellationToken.None);

        Assert.Equal([], access.Restriction?.PatientCompartments);
    }

    [Fact]
    public async Task ARuleForAConsentBoundKind_OpensDataBesideConsent()
    {
        var pharmacy = new AccessContext
        {
            Subject = "client:pharmacy",
            Kind = CallerKind.System,
            Role = KnownRoles.Pharmacist,
            OrganizationCode = ServerFixture.NewInstitutionCode(4),
            OrganizationKind = KnownOrganizationKinds.Pharmacy,
        };
        var ruled = ActivatorUtilities.CreateInstance<AccessRestrictions>(server.Services, (IEnumerable<IRelationshipRule>)[new PrescriptionsSentTo()]);

        var restriction = (await ruled.ForAsync(pharmacy, CancellationToken.None)).Restriction!;

        Assert.NotNull(restriction.Consent);
        Assert.Equal("sent_prescriptions", Assert.Single(restriction.Relationships).Table);
        var statement = new SqlStatement("");
        var predicate = SqlAccessPredicate.Visible(restriction, statement, "r")!;
        Assert.Contains("FROM consent_grants g", predicate, StringComparison.Ordinal);
        Assert.Contains("FROM sent_prescriptions rel", predicate, StringComparison.Ordinal);
        // Either opens the data: the two are alternatives, not both required.
        Assert.Matches(@"consent_grants g .* OR EXISTS \(SELECT 1 FROM sent_prescriptions rel", predicate);
    }

    /// <summary>What the e-prescription service will contribute: a pharmacy sees the patients whose prescriptions were sent to it.</summary>
    private sealed class PrescriptionsSentTo : IRelationshipRule
    {
        public string OrganizationKind => KnownOrganizationKinds.Pharmacy;

        public RelationshipRequirement For(AccessContext caller, string organizationCode) =>
            new("sent_prescriptions", "patient_id", "pharmacy_code", [organizationCode], organizationCode);
    }
}
