namespace Kakehashi.Server.Platform;

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
}
