namespace Kakehashi.Platform;

/// <summary>
/// Identifier and code systems every national service names, each defined here once (the
/// services' own Known* types refer to these).
/// </summary>
public static class KnownJapanSystems
{
    /// <summary>保険医療機関番号: the 10-digit institution code of a medical institution or pharmacy (JP Core).</summary>
    public const string InstitutionCode = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";

    /// <summary>The categories a patient consents to share (docs/security/consent.md).</summary>
    public const string ConsentCategory = "http://kakehashi.jp/fhir/CodeSystem/consent-category";

    /// <summary>保険者番号.</summary>
    public const string InsurerNumber = "urn:oid:1.2.392.100495.20.3.61";

    /// <summary>The individual insured number 保険者番号:記号:番号:枝番 (JP-CLINS 被保険者個人識別子).</summary>
    public const string InsuredMemberId = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";

    /// <summary>The insured person's 記号 on a Coverage (JP Core extension).</summary>
    public const string InsuredSymbolExtension = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol";

    /// <summary>The insured person's 番号 on a Coverage (JP Core extension).</summary>
    public const string InsuredNumberExtension = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber";

    /// <summary>The insured person's 枝番 on a Coverage (JP Core extension).</summary>
    public const string InsuredBranchExtension = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber";

    /// <summary>JP-CLINS indications on a clinical item (電子カルテ情報共有サービス): long-term storage, not yet told, not provided.</summary>
    public const string ClinicalIndication = "http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication";

    /// <summary>未告知: the doctor has not yet told the patient of this diagnosis.</summary>
    public const string NotYetTold = "UNINFORMED";

    /// <summary>長期保存: kept beyond the 5-year retention.</summary>
    public const string LongTermStorage = "LTS";
}
