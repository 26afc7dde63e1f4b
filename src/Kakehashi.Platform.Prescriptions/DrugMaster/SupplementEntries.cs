namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// A 併用禁忌 pair from a package insert; symmetric. <see cref="A"/> and <see cref="B"/> are each a
/// 成分名 exactly as in the price list or a 7-digit ingredient code.
/// </summary>
/// <param name="A">One side.</param>
/// <param name="B">The other side.</param>
/// <param name="Source">Where it is written, e.g. 「ハルシオン錠 添付文書 2.禁忌 / 10.1 併用禁忌」.</param>
/// <param name="Reason">Short Japanese reason for the pharmacist.</param>
public sealed record Contraindication(string A, string B, string Source, string Reason);

/// <summary>A 向精神薬 ingredient and its schedule (第1種–第3種).</summary>
public sealed record PsychotropicIngredient(string Ingredient, int Schedule, string Source);

/// <summary>A 新医薬品 ingredient whose products are limited to 14 days' supply for a year after listing.</summary>
public sealed record NewDrugIngredient(string Ingredient, DateOnly ListedOn, string Source);

/// <summary>Which products are 貼付剤: the route and the YJ code's dosage-form letters.</summary>
public sealed record PoulticeRule(DrugRoute Route, IReadOnlyList<string> DosageFormLetters, string Source)
{
    public bool Matches(DrugRoute route, DosageForm form) =>
        route == Route && DosageFormLetters.Any(letter => letter.Length == 1 && letter[0] == form.Letter);
}
