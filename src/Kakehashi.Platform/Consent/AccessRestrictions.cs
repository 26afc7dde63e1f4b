using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// What a caller may see, as the <see cref="AccessRestriction"/> the search engine applies in
/// SQL: a patient their own compartment; staff and systems of medical institutions and
/// pharmacies the patient data their organization wrote, that consent covers, or that an
/// emergency grant opens; insurers the data of their own insured persons and what they wrote —
/// a relationship contributed by the service that records it (<see cref="IRelationshipRule"/>).
/// </summary>
public sealed class AccessRestrictions(AccessPolicy policy, EmergencyAccessStore emergency, IEnumerable<IRelationshipRule> relationships, TimeProvider time)
{
    private static readonly AccessRestriction NoPatientData = new() { PatientCompartments = [] };

    private readonly Dictionary<string, IRelationshipRule> relationshipByKind = relationships.ToDictionary(r => r.OrganizationKind);

    public async Task<CallerAccess> ForAsync(AccessContext caller, CancellationToken cancellationToken)
    {
        if (caller.Role == KnownRoles.Patient)
        {
            return new CallerAccess(new AccessRestriction { PatientCompartments = ["Patient/" + caller.PatientId], CompartmentOnlyTypes = policy.StoredCompartmentTypes }, []);
        }

        if (caller.OrganizationKind is { } kind && KnownOrganizationKinds.ReadsThroughRelationship(kind))
        {
            // Closed by default: without a rule, or without the organization's code, no patient's data.
            return new CallerAccess(
                relationshipByKind.TryGetValue(kind, out var rule) && caller.OrganizationCode is { } code
                    ? new AccessRestriction { Relationship = rule.For(caller, code) }
                    : NoPatientData,
                []);
        }

        if (!ConsentBinding.Binds(caller))
        {
            return new CallerAccess(null, []);
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
        return new CallerAccess(new AccessRestriction { Consent = requirement }, emergencyPatients);
    }
}

/// <param name="Restriction">Null when the role policy alone decides (municipalities, the operator).</param>
/// <param name="EmergencyPatients">Patients seen under a break-the-glass grant in force.</param>
public sealed record CallerAccess(AccessRestriction? Restriction, IReadOnlyList<string> EmergencyPatients);
