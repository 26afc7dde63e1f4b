
namespace Kakehashi.Platform.Consent;

/// <summary>
/// What a patient consents to share, per organization (docs/security/consent.md): the
/// categories of the card reader's consent screen and of EHR information sharing.
/// </summary>
public static class ConsentCategories
{
    public const string System = KnownJapanSystems.ConsentCategory;

    /// <summary>薬剤情報: prescriptions and dispensing, from claims and e-prescriptions.</summary>
    public const string Medication = "medication";

    /// <summary>診療情報: encounters and claims.</summary>
    public const string Treatment = "treatment";

    /// <summary>手術情報.</summary>
    public const string Surgery = "surgery";

    /// <summary>特定健診等情報.</summary>
    public const string Checkup = "checkup";

    /// <summary>限度額適用認定証情報: the high-cost limit category in an eligibility answer.</summary>
    public const string LimitCertificate = "limit-certificate";

    /// <summary>電子カルテ共有の6情報: diagnoses, allergies, infections, contraindications, labs.</summary>
    public const string ClinicalItems = "clinical-items";

    /// <summary>電子カルテ共有文書: referral letters, discharge summaries, checkup reports.</summary>
    public const string Documents = "documents";

    public static readonly IReadOnlyList<string> All = [Medication, Treatment, Surgery, Checkup, LimitCertificate, ClinicalItems, Documents];

    /// <summary>
    /// The category a view operation reads when it is named after one (<c>medication-history</c>,
    /// <c>checkup-history</c>): services name their consent-bound views so, and the patient's
    /// access log can say what kind of data was viewed without knowing the services.
    /// </summary>
    public static string? OfView(string interaction)
    {
        // The longest category the name starts with: clinical-items-… is not a "clinical" view.
        var name = interaction.TrimStart('$');
        return All.Where(c => name.StartsWith(c + "-", StringComparison.Ordinal) || name == c).MaxBy(c => c.Length);
    }
}
