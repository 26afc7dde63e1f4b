using Kakehashi.Fhir.Security;
using Kakehashi.Server.Eligibility;
using Kakehashi.Server.Security;

namespace Kakehashi.Server.Consent;

/// <summary>
/// What a caller may see, as the <see cref="AccessRestriction"/> the search engine applies in
/// SQL: a patient their own compartment; staff and systems of medical institutions and
/// pharmacies the patient data their organization wrote, that consent covers, or that an
/// emergency grant opens; insurers the data of their own insured persons and what they wrote.
/// </summary>
public sealed class AccessRestrictions(AccessPolicy policy, EmergencyAccessStore emergency, TimeProvider time)
{
    public async Task<CallerAccess> ForAsync(AccessContext caller, CancellationToken cancellationToken)
    {
        if (caller.Role == KnownRoles.Patient)
        {
            return new CallerAccess(new AccessRestriction { PatientCompartments = ["Patient/" + caller.PatientId], CompartmentOnlyTypes = policy.StoredCompartmentTypes }, []);
        }

        if (caller.Role == KnownRoles.InsurerStaff && caller.OrganizationCode is { } insurer)
        {
            return new CallerAccess(new AccessRestriction { Relationship = QualificationIndex.InsuredBy(insurer) }, []);
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
        var requirement = new ConsentRequirement(caller.OrganizationCode!, policy.ConsentCategoryByType, now)
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
