using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Sharing;

/// <summary>How a caller sees a patient's shared items.</summary>
public enum SharingViewer
{
    /// <summary>The patient: their own items, without the diagnoses not yet told to them (未告知).</summary>
    Patient,

    /// <summary>A medical institution or pharmacy with the patient's consent.</summary>
    Consented,

    /// <summary>A hospital doctor under emergency access (救急時医療情報閲覧).</summary>
    Emergency,

    /// <summary>The operator's own systems.</summary>
    Operator,
}

/// <summary>
/// Who may open a view of a patient's shared clinical items: the patient (their own), a medical
/// institution or pharmacy with the patient's consent in <c>clinical-items</c> for its own
/// organization, in force now, or a hospital doctor holding an emergency grant; the operator's
/// systems. Everyone else — insurers, municipalities, researchers — is refused: closed by default.
/// The role policy and the token's scopes must allow reading the item types.
/// </summary>
public sealed class SharingAccess(AccessPolicy policy, ConsentGrantLookup consents, TimeProvider time)
{
    private static readonly string[] ItemTypes = ["Condition", "Observation", "AllergyIntolerance", "MedicationRequest"];

    public async Task<SharingViewer> AuthorizeAsync(OperationRequest request, string patientId, string view, CancellationToken cancellationToken)
    {
        if (request.Http.Caller is not { } caller)
        {
            return SharingViewer.Operator;
        }

        foreach (var type in ItemTypes)
        {
            if (!policy.Allows(caller.Role, type, 'r') || !caller.Scopes.Any(s => s.Grants(type, 'r')))
            {
                throw FhirException.Forbidden($"The {view} consists of {string.Join(", ", ItemTypes)}; the role '{caller.Role}' or the access token's scopes do not allow to read {type}.");
            }
        }

        var patientKey = "Patient/" + patientId;
        var restriction = request.Http.Restriction;
        if (caller.Role == KnownRoles.Patient)
        {
            return restriction?.PatientCompartments is { } own && own.Contains(patientKey)
                ? SharingViewer.Patient
                : throw FhirException.Forbidden("A patient sees only their own clinical items.");
        }

        if (caller.Role == KnownRoles.System)
        {
            return SharingViewer.Operator;
        }

        if (restriction?.Consent is not { } consent)
        {
            throw FhirException.Forbidden($"The {view} is for medical institutions and pharmacies with the patient's consent, and for the patient.");
        }

        if (consent.EmergencyCompartments.Contains(patientKey))
        {
            return SharingViewer.Emergency;
        }

        if (await consents.IsInForceAsync(patientKey, consent.OrganizationCode, ConsentCategories.ClinicalItems, time.GetUtcNow(), cancellationToken))
        {
            return SharingViewer.Consented;
        }

        throw ConsentRefusal.For(view, patientKey, ConsentCategories.ClinicalItems, consent.OrganizationCode);
    }
}
