using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// The six clinical items (6情報) a stored resource is one of, recorded as a server-set
/// <c>meta.tag</c> so that a sender's list and a patient's items are found by an indexed search.
/// </summary>
public static class ClinicalItemKind
{
    public const string TagSystem = "http://kakehashi.jp/fhir/CodeSystem/clinical-item";

    /// <summary>The sending department of a diagnosis list (its unit of full replacement); <see cref="NoDepartment"/> when none was given.</summary>
    public const string DepartmentTagSystem = "http://kakehashi.jp/fhir/CodeSystem/sending-department";

    public const string NoDepartment = "-";

    /// <summary>傷病名.</summary>
    public const string Diagnosis = "diagnosis";

    /// <summary>感染症 (syphilis, HBs, HCV, HIV results).</summary>
    public const string Infection = "infection";

    /// <summary>薬剤アレルギー等, including drug contraindications (薬剤禁忌).</summary>
    public const string DrugAllergy = "drug-allergy";

    /// <summary>その他アレルギー等 (food, environment…).</summary>
    public const string OtherAllergy = "other-allergy";

    /// <summary>検査 (the core lab code set).</summary>
    public const string Lab = "lab";

    /// <summary>処方.</summary>
    public const string Prescription = "prescription";

    public static readonly IReadOnlyList<string> All = [Diagnosis, Infection, DrugAllergy, OtherAllergy, Lab, Prescription];

    /// <summary>The resource type each kind is stored as.</summary>
    public static string TypeOf(string kind) => kind switch
    {
        Diagnosis => "Condition",
        Infection or Lab => "Observation",
        DrugAllergy or OtherAllergy => "AllergyIntolerance",
        Prescription => "MedicationRequest",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a clinical item"),
    };

    /// <summary>Japanese name of a kind, as the screens and the summary say it.</summary>
    public static string Title(string kind) => kind switch
    {
        Diagnosis => "傷病名",
        Infection => "感染症",
        DrugAllergy => "薬剤アレルギー等",
        OtherAllergy => "その他アレルギー等",
        Lab => "検査",
        Prescription => "処方",
        _ => kind,
    };

    /// <summary>What a submitted resource is, or null for a type that is none of the six.</summary>
    public static string? Of(Resource resource) => resource switch
    {
        Condition => Diagnosis,
        AllergyIntolerance allergy => allergy.Category.Contains(AllergyIntolerance.AllergyIntoleranceCategory.Medication) ? DrugAllergy : OtherAllergy,
        Observation observation => observation.Code?.Coding.Any(c => c.System == InfectionCodeSystem) == true ? Infection : Lab,
        MedicationRequest => Prescription,
        _ => null,
    };

    /// <summary>The kind recorded on a stored item.</summary>
    public static string? Recorded(Resource resource) => resource.Meta?.Tag.FirstOrDefault(t => t.System == TagSystem)?.Code;

    /// <summary>JP-CLINS infection test codes (JLAC10): an Observation coded so is an infection item.</summary>
    public const string InfectionCodeSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS";

    /// <summary>The JP-CLINS profile each kind is validated against.</summary>
    public static string ProfileOf(string kind) => kind switch
    {
        Diagnosis => "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS",
        Infection or Lab => "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS",
        DrugAllergy or OtherAllergy => "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS",
        Prescription => "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a clinical item"),
    };
}
