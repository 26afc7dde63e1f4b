namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>The three shared documents, by Composition.type (文書区分コード), and the Bundle profile each is validated against.</summary>
public static class DocumentKinds
{
    public const string Referral = "referral";
    public const string DischargeSummary = "discharge-summary";
    public const string CheckupReport = "checkup-report";

    public const string ReferralProfile = "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral";
    public const string DischargeSummaryProfile = "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary";
    public const string CheckupReportProfile = "http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Bundle_eCheckupGeneral";

    public static string? FromLoinc(string? code) => code switch
    {
        "57133-1" => Referral,
        "18842-5" => DischargeSummary,
        "53576-5" => CheckupReport,
        _ => null,
    };

    public static string Profile(string kind) => kind switch
    {
        Referral => ReferralProfile,
        DischargeSummary => DischargeSummaryProfile,
        _ => CheckupReportProfile,
    };

    /// <summary>Referrals and discharge summaries go to one recipient institution; checkup reports to none.</summary>
    public static bool IsAddressed(string kind) => kind is Referral or DischargeSummary;
}
