
namespace Kakehashi.Platform.Eligibility;

/// <summary>Identifier systems, extensions and code systems of qualifications and eligibility answers (docs/eligibility.md).</summary>
public static class KnownEligibilitySystems
{
    /// <summary>The individual insured number 保険者番号:記号:番号:枝番 (JP-CLINS 被保険者個人識別子).</summary>
    public const string InsuredMemberId = KnownJapanSystems.InsuredMemberId;

    /// <summary>保険者番号.</summary>
    public const string InsurerNumber = KnownJapanSystems.InsurerNumber;

    /// <summary>公費負担者番号.</summary>
    public const string PublicPayerNumber = "urn:oid:1.2.392.100495.20.3.71";

    /// <summary>The institution code a Consent's actor carries.</summary>
    public const string InstitutionCode = KnownJapanSystems.InstitutionCode;

    public const string SymbolExtension = KnownJapanSystems.InsuredSymbolExtension;

    public const string NumberExtension = KnownJapanSystems.InsuredNumberExtension;

    public const string BranchExtension = KnownJapanSystems.InsuredBranchExtension;

    /// <summary>保険種別 (別表11): 1 医保, 2 国保, 7 後期高齢者, 8 公費.</summary>
    public const string InsuranceCategory = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory";

    /// <summary>
    /// A card's user certificate as an insurer links it: <c>value</c> is the serial number (hex),
    /// <c>assigner.display</c> the issuer DN. Replaced on write by <see cref="CardCertificateHash"/>:
    /// the serial itself is never stored.
    /// </summary>
    public const string CardCertificate = "urn:kakehashi:id:card-certificate";

    /// <summary>SHA-256 (hex) of the card certificate's canonical issuer and serial (<see cref="CardKeys"/>).</summary>
    public const string CardCertificateHash = "urn:kakehashi:id:card-certificate-sha256";

    /// <summary>限度額適用区分 (Kakehashi extension, valueCoding in <see cref="LimitCategorySystem"/>).</summary>
    public const string LimitCategoryExtension = "http://kakehashi.jp/fhir/StructureDefinition/coverage-limit-category";

    public const string LimitCategorySystem = "http://kakehashi.jp/fhir/CodeSystem/limit-category";

    /// <summary>特定疾病 (Kakehashi extension, valueCoding in <see cref="SpecificDiseaseSystem"/>; repeats).</summary>
    public const string SpecificDiseaseExtension = "http://kakehashi.jp/fhir/StructureDefinition/coverage-specific-disease";

    public const string SpecificDiseaseSystem = "http://kakehashi.jp/fhir/CodeSystem/specific-disease";

    /// <summary>The outcome of a check on a CoverageEligibilityResponse (valueCode in <see cref="EligibilityStatusSystem"/>).</summary>
    public const string EligibilityStatusExtension = "http://kakehashi.jp/fhir/StructureDefinition/eligibility-status";

    public const string EligibilityStatusSystem = "http://kakehashi.jp/fhir/CodeSystem/eligibility-status";

    /// <summary>The card certificate as read at the reader, on a CoverageEligibilityRequest (valueBase64Binary, DER).</summary>
    public const string CardCertificateExtension = "http://kakehashi.jp/fhir/StructureDefinition/card-certificate";

    /// <summary>The consent given at the card reader, on a CoverageEligibilityRequest: sub-extensions <c>category</c> (valueCode, repeats) and <c>validUntil</c> (valueDateTime).</summary>
    public const string ReaderConsentExtension = "http://kakehashi.jp/fhir/StructureDefinition/card-reader-consent";

    public const string CopayType = "http://terminology.hl7.org/CodeSystem/coverage-copay-type";
}
