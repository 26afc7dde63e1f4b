using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Who may check eligibility and who may upload qualifications: what the FHIR policy decides
/// (role policy ∩ SMART scopes, declared for the JSON endpoints as <see cref="Check"/> and
/// <see cref="Upload"/>), plus the kind of organization: checks are made at medical
/// institutions and pharmacies (or by the operator's own system), uploads by insurers.
/// </summary>
public sealed class EligibilityAccess(AccessPolicy policy)
{
    /// <summary>Checks run as the operation <c>CoverageEligibilityRequest/$submit</c> does: read and update on CoverageEligibilityRequest.</summary>
    public static readonly FhirGrant Check = new("CoverageEligibilityRequest", "ru");

    public const string CheckPurpose = "check eligibility";

    /// <summary>Uploads write Patient and Coverage resources: create and update on both.</summary>
    public static readonly FhirGrant[] Upload = [new("Coverage", "cu"), new("Patient", "cu")];

    public const string UploadPurpose = "register qualifications";

    /// <summary>For the FHIR operation, which the endpoint filter does not guard.</summary>
    public void AuthorizeCheck(AccessContext caller)
    {
        CallerGrants.Require(policy, caller, Check.ResourceType, Check.Actions, CheckPurpose);
        RequireReception(caller);
    }

    /// <summary>Checks are made at the reception of medical institutions and pharmacies.</summary>
    public static void RequireReception(AccessContext caller)
    {
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

    /// <summary>Qualifications come from the insurers that hold them.</summary>
    public static void RequireInsurer(AccessContext caller)
    {
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
}
