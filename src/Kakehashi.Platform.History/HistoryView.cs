namespace Kakehashi.Platform.History;

/// <summary>
/// One history view: the operation, the consent category that opens it, and the resource type
/// its entries are — the role policy and the token's scopes must allow reading that type.
/// </summary>
public sealed record HistoryView(string Operation, string Title, string EntryType, string Category)
{
    public static readonly HistoryView Medication = new("medication-history", "medication history (薬剤情報)", "MedicationDispense", Consent.ConsentCategories.Medication);

    public static readonly HistoryView Treatment = new("treatment-history", "treatment history (診療情報)", "Procedure", Consent.ConsentCategories.Treatment);

    public static readonly HistoryView Checkup = new("checkup-history", "specific health checkup results (特定健診等情報)", "Observation", Consent.ConsentCategories.Checkup);
}
