namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>The tags and extensions of the six clinical items (docs/sharing.md, "Six clinical items").</summary>
public static class ClinicalItemTags
{
    /// <summary>The JP-CLINS indication code system: UNINFORMED (未告知) and LTS (長期保存); set only by the sender.</summary>
    public const string IndicationSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication";

    public const string Uninformed = "UNINFORMED";

    public const string LongTerm = "LTS";

    /// <summary>The department (診療科) of the sending institution, from the eCS_Department extension.</summary>
    public const string DepartmentTagSystem = "http://kakehashi.jp/fhir/CodeSystem/sharing-department";

    public const string DepartmentExtension = "http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department";
}
