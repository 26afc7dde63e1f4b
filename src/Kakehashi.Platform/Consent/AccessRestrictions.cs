using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// What a caller may see, as the <see cref="AccessRestriction"/> the search engine applies in
/// SQL: a patient their own compartment; staff and systems of medical institutions and
/// pharmacies the patient data their organization wrote, that consent covers, or that an
/// emergency grant opens; insurers the data of their own insured persons and what they wrote —
/// relationships contributed by the services that record them (<see cref="IRelationshipRule"/>),
/// which for consent-bound organizations open data beside consent.
/// </summary>
public sealed class AccessRestrictions(AccessPolicy policy, EmergencyAccessStore emergency, IEnumerable<IRelationshipRule> relationships, TimeProvider time)
{
    private static readonly AccessRestriction NoPatientData = new() { PatientCompartments = [] };

    /// <summary>
    /// What the patient's own sight leaves out: a diagnosis flagged 未告知 (JP-CLINS
    /// <c>JP_ehrshrs_indication|UNINFORMED</c>) by the doctor who has not told them yet.
    /// </summary>
    public static readonly IReadOnlyList<HiddenTag> HiddenFromPatients = [new(KnownJapanSystems.ClinicalIndication, KnownJapanSystems.NotYetTold)];

    private readonly ILookup<string, IRelationshipRule> rulesByKind = relationships.ToLookup(r => r.OrganizationKind);

    public async Task<CallerAccess> ForAsync(AccessContext caller, CancellationToken cancellationToken)
    {
        if (caller.Role == KnownRoles.Patient)
        {
            return new CallerAccess(new AccessRestriction
            {
                PatientCompartments = ["Patient/" + caller.PatientId],
                CompartmentOnlyTypes = policy.StoredCompartmentTypes,
                HiddenTags = HiddenFromPatients,
            }, []);
        }

        IReadOnlyList<RelationshipRequirement> related = caller is { OrganizationKind: { } kind, OrganizationCode: { } code }
            ? [.. rulesByKind[kind].Select(rule => rule.For(caller, code))]
            : [];
        if (!ConsentBinding.Binds(caller))
        {
            return new CallerAccess(
                related.Count > 0 ? new AccessRestriction { Relationships = related }
                // Closed by default: a kind that reads through a relationship has none without a rule or its code.
                : caller.OrganizationKind is { } relatedKind && KnownOrganizationKinds.ReadsThroughRelationship(relatedKind) ? NoPatientData
                : null,
                []);
        }

        var now = time.GetUtcNow();
        // Only hospital doctors can hold emergency grants: nobody else pays for the lookup.
        var emergencyPatients = caller.Role == KnownRoles.Doctor && caller.OrganizationKind == KnownOrganizationKinds.Hospital
            ? await emergency.ActivePatientsAsync(caller.Subject, now, cancellationToken)
            : [];
        var requirement = new ConsentRequirement(ConsentGrantIndex.Table, caller.OrganizationCode!, policy.ConsentCategoryByType, now)
        {
            EmergencyCompartments = emergencyPatients,
            NotClinicalTypes = policy.NotClinicalTypes,
        };
        // A relationship of a consent-bound organization (next: a pharmacy and the prescriptions sent to it) opens data beside consent.
        return new CallerAccess(new AccessRestriction { Consent = requirement, Relationships = related }, emergencyPatients);
    }
}

/// <param name="Restriction">Null when the role policy alone decides (municipalities, the operator).</param>
/// <param name="EmergencyPatients">Patients seen under a break-the-glass grant in force.</param>
public sealed record CallerAccess(AccessRestriction? Restriction, IReadOnlyList<string> EmergencyPatients);
