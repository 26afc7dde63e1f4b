using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// Only confirmed items are shared (docs/sharing.md): a diagnosis or allergy whose
/// verificationStatus is not confirmed, a result that is not final, or a prescription that is
/// neither active nor completed is refused, naming the element.
/// </summary>
public static class ClinicalItemRules
{
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

    /// <summary>Why the item is not confirmed (with the element), or null when it is.</summary>
    public static (string Message, string Path)? Unconfirmed(Resource item, string path) => item switch
    {
        Condition c when !Has(c.VerificationStatus, ConditionVerification, "confirmed") =>
            ("Only confirmed diagnoses are shared: verificationStatus must be confirmed.", path + ".verificationStatus"),
        AllergyIntolerance a when a.VerificationStatus is not null && !Has(a.VerificationStatus, AllergyVerification, "confirmed") =>
            ("Only confirmed allergies are shared: verificationStatus, when given, must be confirmed.", path + ".verificationStatus"),
        Observation o when o.Status is not (ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected) =>
            ($"Only final results are shared: status is {o.Status?.ToString() ?? "missing"}, not final, amended or corrected.", path + ".status"),
        MedicationRequest m when m.Status is not (MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.Completed) =>
            ($"Only issued prescriptions are shared: status is {m.Status?.ToString() ?? "missing"}, not active or completed.", path + ".status"),
        _ => null,
    };

    /// <summary>When the item ended (abatement, or for a result/prescription its own date); null while ongoing.</summary>
    public static DateTimeOffset? Ended(Resource item) => item switch
    {
        Condition c => Date(c.Abatement as FhirDateTime),
        AllergyIntolerance a => a.ClinicalStatus?.Coding.Any(x => x.Code is "resolved" or "inactive") == true ? Date(a.LastOccurrenceElement) : null,
        _ => null,
    };

    private static bool Has(CodeableConcept? concept, string system, string code) =>
        concept?.Coding.Any(c => c.System == system && c.Code == code) == true;

    private static DateTimeOffset? Date(FhirDateTime? value) =>
        value is not null && value.TryToDateTimeOffset(out var at) ? at : null;
}
