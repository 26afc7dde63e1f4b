using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// Who may do what with a prescription, by job type and organization, beyond the role policy the
/// endpoint filter already applied: only doctors and dentists prescribe and cancel (their own
/// institution's); only pharmacists retrieve, hand back and dispense, and a pharmacy sees only what
/// it took. Refusals say which rule refused.
/// </summary>
public static class PrescriptionAccess
{
    public static string RequirePrescriber(AccessContext caller)
    {
        if (caller.Role is not (KnownRoles.Doctor or KnownRoles.Dentist))
        {
            throw Forbidden($"Only doctors and dentists prescribe; the role '{caller.Role}' may not.");
        }

        return Institution(caller);
    }

    public static string RequirePharmacist(AccessContext caller)
    {
        if (caller.Role != KnownRoles.Pharmacist || caller.OrganizationKind is not (KnownOrganizationKinds.Pharmacy or KnownOrganizationKinds.Hospital))
        {
            throw Forbidden($"Prescriptions are retrieved and dispensed by the pharmacists of a pharmacy; the role '{caller.Role}' may not.");
        }

        return Institution(caller);
    }

    /// <summary>Doctors, dentists and pharmacists check drugs against the patient's medicines.</summary>
    public static string RequireChecker(AccessContext caller)
    {
        if (caller.Role is not (KnownRoles.Doctor or KnownRoles.Dentist or KnownRoles.Pharmacist))
        {
            throw Forbidden($"The duplicate and contraindication check is run by doctors, dentists and pharmacists; the role '{caller.Role}' may not.");
        }

        return Institution(caller);
    }

    /// <summary>The prescriber's institution reads its prescriptions; the pharmacy that holds or dispensed one reads it; the patient reads their own.</summary>
    public static void RequireReader(AccessContext caller, PrescriptionRow row, IReadOnlyCollection<DispensingRow> dispensings)
    {
        if (caller.Role == KnownRoles.Patient && caller.PatientId is { } own && row.PatientKey == "Patient/" + own)
        {
            return;
        }

        var code = caller.OrganizationCode;
        var prescriber = code == row.PrescriberCode && caller.Role is KnownRoles.Doctor or KnownRoles.Dentist or KnownRoles.Nurse or KnownRoles.Pharmacist;
        var pharmacy = caller.Role == KnownRoles.Pharmacist && code is not null && (row.PharmacyCode == code || dispensings.Any(d => d.PharmacyCode == code));
        if (!prescriber && !pharmacy)
        {
            // Not found rather than forbidden: whether a prescription id exists is not for others to learn.
            throw FhirException.NotFound("No such prescription.");
        }
    }

    /// <summary>The caller's institution code; refused for organizations that have none (insurers, the operator…).</summary>
    internal static string Institution(AccessContext caller, string refusal = "Prescriptions are handled by medical institutions and pharmacies with an institution code.") =>
        caller.OrganizationCode is { } code && caller.OrganizationKind is { } kind && KnownOrganizationKinds.UsesInstitutionCode(kind)
            ? code
            : throw Forbidden(refusal);

    private static FhirException Forbidden(string message) => new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message);
}
