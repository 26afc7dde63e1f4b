using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>The eCS profile each kind of clinical item is validated against.</summary>
public static class ClinicalItemProfiles
{
    public const string Condition = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS";
    public const string Allergy = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS";
    public const string LabResult = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS";
    public const string ObservationCommon = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_Common_eCS";
    public const string MedicationRequest = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS";

    /// <summary>The profile the item claims when it is one of ours, otherwise the default of its type; null for a resource that is not an item.</summary>
    public static string? For(Resource resource)
    {
        var claimed = resource.Meta?.Profile.FirstOrDefault(p => p is Condition or Allergy or LabResult or ObservationCommon or MedicationRequest);
        return claimed ?? resource switch
        {
            Hl7.Fhir.Model.Condition => Condition,
            AllergyIntolerance => Allergy,
            Observation => ObservationCommon,
            Hl7.Fhir.Model.MedicationRequest => MedicationRequest,
            _ => null,
        };
    }
}
