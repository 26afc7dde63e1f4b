namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>The staff UI's referral form (<c>POST /sharing/referrals</c>): plain fields the server composes into a JP_Bundle_eReferral.</summary>
public sealed record ReferralRequest
{
    public string? Patient { get; init; }

    public string? RecipientInstitution { get; init; }

    public string? RecipientInstitutionName { get; init; }

    public string? RecipientDepartment { get; init; }

    public string? RecipientDoctor { get; init; }

    public string? Purpose { get; init; }

    public List<string>? Diagnoses { get; init; }

    public string? ClinicalCourse { get; init; }

    public string? Medications { get; init; }

    public string? Remarks { get; init; }
}
