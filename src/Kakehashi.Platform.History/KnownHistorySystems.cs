
namespace Kakehashi.Platform.History;

/// <summary>Code and identifier systems of the claim feed, the checkup documents and the history views (docs/eligibility-history.md).</summary>
public static class KnownHistorySystems
{
    /// <summary>医療機関コード / 薬局コード (10 digits with check digit).</summary>
    public const string InstitutionCode = KnownJapanSystems.InstitutionCode;

    /// <summary>保険者番号 as JP Core 1.1.2 names it.</summary>
    public const string InsurerNumber = KnownJapanSystems.InsurerNumber;

    /// <summary>保険者番号 as the URI variant of JP Core names it.</summary>
    public const string InsurerNumberUri = "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber";

    /// <summary>医科診療行為マスター (9-digit レセプト電算 procedure codes), as JP Core's Procedure profile names it.</summary>
    public const string MedicalProcedure = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure";

    /// <summary>The same master as the packaged CodeSystem (ePrescriptionData) names it; the server looks codes up there.</summary>
    public const string MedicalProcedureMaster = "http://jpfhir.jp/fhir/core/CodeSystem/JP_ProcedureCodesMedical_CS";

    /// <summary>YJ code (個別医薬品コード, 12 characters).</summary>
    public const string YjCode = "urn:oid:1.2.392.100495.20.1.73";

    public const string YjCodeUri = "http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeYJ_CS";

    /// <summary>HOT9 (9 digits).</summary>
    public const string Hot9 = "urn:oid:1.2.392.200119.4.403.1";

    public const string Hot9Uri = "http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeHOT9_CS";

    /// <summary>
    /// レセプト電算処理システム用医薬品コード (9 digits, starting with 6). No FHIR URI is published
    /// for it, so Kakehashi names it.
    /// </summary>
    public const string ReceiptDrugCode = "http://kakehashi.jp/fhir/CodeSystem/receipt-drug-code";

    public const string ClaimType = "http://terminology.hl7.org/CodeSystem/claim-type";

    /// <summary>The kinds of treatment the treatment history lists: surgery, transplant, dialysis.</summary>
    public const string TreatmentKind = "http://kakehashi.jp/fhir/CodeSystem/treatment-kind";

    /// <summary>Which source a history entry comes from: <c>claim</c>, <c>dispensing</c> (both when merged), <c>checkup</c>.</summary>
    public const string HistorySource = "http://kakehashi.jp/fhir/CodeSystem/history-source";

    /// <summary>Extension (valueReference) naming the stored resource a history entry was derived from.</summary>
    public const string DerivedFrom = "http://kakehashi.jp/fhir/StructureDefinition/derived-from";

    /// <summary>特定健診項目コード (JLAC10-based, 17 characters), eCheckupReport.</summary>
    public const string CheckupItem = "urn:oid:1.2.392.200119.6.1005";

    /// <summary>健診プログラムサービスコード: <c>010</c> is 特定健診.</summary>
    public const string CheckupProgram = "urn:oid:1.2.392.200119.6.1002";

    /// <summary>Report category of the specific health checkup (<c>10</c> = 特定健診), by OID and by URI.</summary>
    public const string CheckupReportCategory = "urn:oid:2.16.840.1.113883.2.2.1.6.1001";

    public const string CheckupReportCategoryUri = "http://jpfhir.jp/fhir/eCheckup/CodeSystem/checkup-report-category";

    /// <summary>Document type codes: <c>53576-5</c> 検診・健診報告書.</summary>
    public const string DocumentType = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes";

    public const string CheckupDocumentType = "53576-5";

    public const string SpecificCheckupCategory = "10";

    public const string SpecificCheckupProgram = "010";
}
