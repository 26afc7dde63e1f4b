namespace Kakehashi.Platform.Prescriptions;

/// <summary>Code and identifier systems the prescription service reads and writes.</summary>
public static class KnownPrescriptionSystems
{
    /// <summary>YJ code (薬価基準収載医薬品コード) as the ePrescription guide names it.</summary>
    public const string YjCode = "urn:oid:1.2.392.100495.20.1.73";

    /// <summary>The same code system under JP Core's canonical URL.</summary>
    public const string YjCodeUri = "http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeYJ_CS";

    /// <summary>YJ code as JP-CLINS names it (its NamingSystem also gives <see cref="YjCodeClinsOid"/>).</summary>
    public const string YjCodeClins = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code";

    public const string YjCodeClinsOid = "urn:oid:1.2.392.100495.20.2.73";

    /// <summary>一般名処方コード (the MHLW general-name prescribing code) as JP-CLINS names it.</summary>
    public const string GeneralNameCodeClins = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode";

    /// <summary>The same code system under JP Core's canonical URL, and its OID.</summary>
    public const string GeneralNameCodeUri = "http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeCommon_CS";

    public const string GeneralNameCodeOid = "urn:oid:1.2.392.100495.20.1.81";

    /// <summary>The prescription's id on this platform, on the MedicationDispenses of its dispensing.</summary>
    public const string PrescriptionId = "http://kakehashi.jp/fhir/NamingSystem/prescription-id";

    /// <summary>The drug master version that answered a check (a tag on the result Bundle and on each DetectedIssue).</summary>
    public const string DrugMasterVersion = "http://kakehashi.jp/fhir/CodeSystem/drug-master-version";

    /// <summary>Kinds of finding of the duplicate / contraindication check (DetectedIssue.code).</summary>
    public const string CheckFinding = "http://kakehashi.jp/fhir/CodeSystem/medication-check-finding";

    /// <summary>HL7 v3 ActCode: DUPTHPY (duplicate therapy) and DRG (drug interaction).</summary>
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /// <summary>MedicationRequest / MedicationDispense category (inpatient, outpatient…).</summary>
    public const string MedicationRequestCategory = "http://terminology.hl7.org/CodeSystem/medicationrequest-category";

    public const string MedicationDispenseCategory = "http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category";

    public static bool IsYj(string? system) => system is YjCode or YjCodeUri;

    /// <summary>A YJ code under any of the names the JP guides give it (JP Core, JP-CLINS, the ePrescription guide).</summary>
    public static bool IsYjOfAnyGuide(string? system) => system is YjCode or YjCodeUri or YjCodeClins or YjCodeClinsOid;

    public static bool IsGeneralNameCode(string? system) => system is GeneralNameCodeClins or GeneralNameCodeUri or GeneralNameCodeOid;
}
