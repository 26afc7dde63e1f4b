using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Who may check eligibility and who may upload qualifications, decided as the FHIR guard
/// decides (role policy ∩ SMART scopes), plus the kind of organization: checks are made at
/// medical institutions and pharmacies (or by the operator's own system), uploads by insurers.
/// </summary>
public sealed class EligibilityAccess(AccessPolicy policy)
{
    /// <summary>Checks run as the operation <c>CoverageEligibilityRequest/$submit</c> does: read and update on CoverageEligibilityRequest.</summary>
    public void AuthorizeCheck(AccessContext caller)
    {
        Require(caller, "CoverageEligibilityRequest", "ru", "check eligibility");
        if (caller.Role != KnownRoles.System && !KnownOrganizationKinds.UsesInstitutionCode(caller.OrganizationKind ?? ""))
        {
            throw FhirException.Forbidden("Eligibility is checked by medical institutions and pharmacies (their reception), not by a " + (caller.OrganizationKind ?? "caller without organization") + ".");
        }
    }

    /// <summary>Consent at the reader binds an institution: the caller must have an institution code.</summary>
    public static void RequireInstitution(AccessContext caller)
    {
        if (!KnownOrganizationKinds.UsesInstitutionCode(caller.OrganizationKind ?? "") || caller.OrganizationCode is null)
        {
            throw FhirException.Forbidden("Consent given at the card reader is recorded for a medical institution or pharmacy; this caller's organization has no institution code.");
        }
    }

    /// <summary>Uploads write Patient and Coverage resources: create and update on both.</summary>
    public void AuthorizeUpload(AccessContext caller)
    {
        Require(caller, "Coverage", "cu", "register qualifications");
        Require(caller, "Patient", "cu", "register insured persons");
        if (caller.Role != KnownRoles.System && caller.OrganizationKind != KnownOrganizationKinds.Insurer)
        {
            throw FhirException.Forbidden("Qualifications are uploaded by insurers.");
        }
    }

    /// <summary>Reading a job's results: its own organization only (the operator's system sees all).</summary>
    public static void AuthorizeJobRead(AccessContext caller, string jobOrganization)
    {
        if (caller.Role != KnownRoles.System && caller.OrganizationCode != jobOrganization)
        {
            // As for a job that does not exist: no oracle of other organizations' reception numbers.
            throw FhirException.NotFound("No such job.");
        }
    }

    private void Require(AccessContext caller, string type, string actions, string what)
    {
        foreach (var action in actions)
        {
            if (!policy.Allows(caller.Role, type, action))
            {
                throw FhirException.Forbidden($"The role '{caller.Role}' may not {what}.");
            }

            var context = caller.Kind switch
            {
                CallerKind.System => "system",
                CallerKind.Patient => "patient",
                _ => "user",
            };
            if (!caller.Scopes.Any(s => s.Context == context && s.Grants(type, action)))
            {
                throw FhirException.Forbidden($"The access token's scopes do not allow to {what} ({context}/{type}.{actions}).");
            }
        }
    }

}
