namespace Kakehashi.Bench.Generate;

/// <summary>Identifier and code-system URIs, as in JP Core / JP-CLINS and docs DOMAIN.md.</summary>
public static class KnownSystems
{
    public const string InstitutionCode = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";
    public const string InsurerNumber = "urn:oid:1.2.392.100495.20.3.61";
    public const string InsuranceMemberId = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";

    /// <summary>Patient number at an institution: this prefix + "1" + the 10-digit institution code.</summary>
    public const string PatientIdAtInstitutionPrefix = "urn:oid:1.2.392.100495.20.3.51.1";

    /// <summary>Staff number at an institution: this prefix + "1" + the 10-digit institution code.</summary>
    public const string StaffIdAtInstitutionPrefix = "urn:oid:1.2.392.100495.20.3.41.1";

    /// <summary>
    /// The user certificate of the My Number card (issuer + serial only; never the My Number).
    /// Kakehashi's own URI: no public system exists for it.
    /// </summary>
    public const string CardCertificate = "urn:kakehashi:id:card-certificate";

    public const string ResourceInstance = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier";

    public const string NameRepresentation = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
    public const string CoverageSymbol = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol";
    public const string CoverageNumber = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber";
    public const string CoverageBranch = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber";

    public const string Icd10 = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full";
    public const string MedisDisease = "http://medis.or.jp/CodeSystem/master-disease-keyNumber";
    public const string Jlac10 = "urn:oid:1.2.392.200119.4.504";
    public const string CheckupItem = "urn:oid:1.2.392.200119.6.1005";
    public const string YjCode = "urn:oid:1.2.392.100495.20.2.74";
    public const string MedicationUsage = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUsage_ePrescription";
    public const string Merit9Unit = "urn:oid:1.2.392.100495.20.2.101";
    public const string FoodAllergen = "http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Loinc = "http://loinc.org";

    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string OrganizationType = "http://terminology.hl7.org/CodeSystem/organization-type";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
}
