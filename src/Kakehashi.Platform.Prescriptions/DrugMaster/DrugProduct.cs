namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>One product of the drug master: a price-list line, with the supplement's flags.</summary>
/// <param name="YjCode">薬価基準収載医薬品コード, 12 characters.</param>
/// <param name="IngredientName">成分名, exactly as listed.</param>
/// <param name="Route">区分.</param>
/// <param name="DosageForm">The form told by the code's 8th character.</param>
/// <param name="Strength">規格, full-width characters as listed (e.g. １ｍｇ１錠).</param>
/// <param name="Name">品名.</param>
/// <param name="Maker">メーカー名; empty for 局方 bulk listings without one.</param>
/// <param name="Price">薬価 in yen per unit of <paramref name="Strength"/>.</param>
/// <param name="Narcotic">麻薬 column is 麻.</param>
/// <param name="Psychotropic">向精神薬, from the supplement.</param>
/// <param name="NewDrug">新医薬品 under the 14-day prescription limit, from the supplement.</param>
/// <param name="Poultice">貼付剤 (テープ, パップ, パッチ), by the supplement's dosage-form rule.</param>
/// <param name="DuplicateKey">Equal for two products of the same active ingredient and route (<see cref="DuplicateKeys"/>).</param>
public sealed record DrugProduct(
    string YjCode,
    string IngredientName,
    DrugRoute Route,
    DosageForm DosageForm,
    string Strength,
    string Name,
    string Maker,
    decimal Price,
    bool Narcotic,
    bool Psychotropic,
    bool NewDrug,
    bool Poultice,
    string DuplicateKey)
{
    /// <summary>The YJ code's first 7 characters: therapeutic class, ingredient and route group.</summary>
    public string IngredientCode => YjCode[..DrugCodes.IngredientCodeLength];
}
