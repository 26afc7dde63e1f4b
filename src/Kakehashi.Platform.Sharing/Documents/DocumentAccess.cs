using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// Who may do what with a shared document. Referrals and discharge summaries are written by doctors
/// and dentists of medical institutions (hospitals, clinics, dental clinics); checkup reports by the
/// staff of medical institutions and by insurers. The recipient institution's doctors, dentists,
/// nurses and clerks list the inbox and retrieve (a clerk at reception retrieves after the patient's
/// consent). A checkup report is also read by its patient, the patient's current insurer and institutions
/// holding the patient's <c>checkup</c> consent (<see cref="DocumentService.ReadAsync"/>); referrals and
/// discharge summaries never by an insurer. A document id is 404 to anyone who may not see it: whether it
/// exists is not theirs to learn.
/// </summary>
public static class DocumentAccess
{
    public static readonly string[] MedicalStaff = [KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Nurse, KnownRoles.Clerk];

    public static string RequireSender(AccessContext caller, string kind)
    {
        var code = caller.OrganizationCode;
        var medical = caller.OrganizationKind is KnownOrganizationKinds.Hospital or KnownOrganizationKinds.Clinic or KnownOrganizationKinds.DentalClinic;
        if (kind == DocumentKinds.CheckupReport)
        {
            var allowed = caller.OrganizationKind == KnownOrganizationKinds.Insurer || (medical && MedicalStaff.Contains(caller.Role));
            return allowed && code is not null ? code : throw Forbidden("Checkup reports are submitted by medical institutions and insurers.");
        }

        return medical && caller.Role is KnownRoles.Doctor or KnownRoles.Dentist && code is not null
            ? code
            : throw Forbidden($"Referral letters and discharge summaries are written by doctors and dentists of medical institutions; the role '{caller.Role}' of a '{caller.OrganizationKind}' may not.");
    }

    /// <summary>The caller's institution, as a recipient: its medical staff and clerks.</summary>
    public static string RequireRecipientStaff(AccessContext caller) =>
        caller.OrganizationCode is { } code && caller.OrganizationKind is { } kind && KnownOrganizationKinds.UsesInstitutionCode(kind) && MedicalStaff.Contains(caller.Role)
            ? code
            : throw Forbidden("The inbox is read by the doctors, dentists, nurses and clerks of a medical institution.");

    public static bool IsRecipient(AccessContext caller, SharedDocument row) =>
        row.RecipientCode is not null && caller.OrganizationCode == row.RecipientCode && MedicalStaff.Contains(caller.Role);

    public static bool IsSender(AccessContext caller, SharedDocument row) =>
        caller.OrganizationCode == row.SenderCode && caller.Role != KnownRoles.Patient;

    public static FhirException NotFound() => FhirException.NotFound("No such document.");

    public static FhirException Forbidden(string message) => new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message);
}
