namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>The staff UI's referral form (<c>POST /sharing/referrals</c>): plain fields the server composes into a JP_Bundle_eReferral.</summary>
public sealed record ReferralRequest
{
    public string? Patient { get; init; }

    /// <summary>患者住所, for a patient the platform has no address for (a referral document carries one).</summary>
    public string? PatientAddress { get; init; }

    public string? RecipientInstitution { get; init; }

    public string? RecipientInstitutionName { get; init; }

    public string? RecipientDepartment { get; init; }

    public string? RecipientDoctor { get; init; }

    public string? Purpose { get; init; }

    public List<string>? Diagnoses { get; init; }

    public string? ClinicalCourse { get; init; }

    public string? Medications { get; init; }

    /// <summary>感染症情報 (e.g. HBs抗原陰性, MRSA保菌): free text; the letter says 記載なし without it.</summary>
    public string? Infections { get; init; }

    public string? Remarks { get; init; }
}
