using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// Kakehashi's curated supplement to the price list (DrugMaster/Data/supplement.json): 併用禁忌
/// pairs, 向精神薬 and 新医薬品 ingredients, and the 貼付剤 rule, each entry with its source.
/// </summary>
/// <param name="Revision">Raised with every change; part of <see cref="DrugMasterVersion.Version"/>.</param>
/// <param name="Contraindicated">併用禁忌 pairs only, never 併用注意.</param>
/// <param name="Psychotropic">向精神薬 ingredients.</param>
/// <param name="NewDrug">新医薬品 ingredients under the 14-day limit.</param>
/// <param name="Poultice">The 貼付剤 rule: a rule on the code, not a list, so that new patches need no edit.</param>
public sealed record DrugSupplement(
    int Revision,
    IReadOnlyList<Contraindication> Contraindicated,
    IReadOnlyList<PsychotropicIngredient> Psychotropic,
    IReadOnlyList<NewDrugIngredient> NewDrug,
    PoulticeRule Poultice)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Every key the supplement names, in the order written.</summary>
    public IEnumerable<string> Keys =>
        Contraindicated.SelectMany(pair => new[] { pair.A, pair.B })
            .Concat(Psychotropic.Select(entry => entry.Ingredient))
            .Concat(NewDrug.Select(entry => entry.Ingredient))
            .Distinct(StringComparer.Ordinal);

    /// <exception cref="InvalidDataException">The file is not JSON of this shape, or an entry lacks its source.</exception>
    public static DrugSupplement Load(Stream json)
    {
        DrugSupplement? supplement;
        try
        {
            supplement = JsonSerializer.Deserialize<DrugSupplement>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Drug supplement: {e.Message}", e);
        }
        if (supplement is null)
            throw new InvalidDataException("Drug supplement: the file holds no object.");
        supplement.Validate();
        return supplement;
    }

    // An entry without its reference cannot be checked by a pharmacist, so it is refused, not shipped.
    private void Validate()
    {
        if (Contraindicated is null || Psychotropic is null || NewDrug is null || Poultice is null)
            throw new InvalidDataException("Drug supplement: contraindicated, psychotropic, newDrug and poultice are all required.");
        foreach (var pair in Contraindicated)
        {
            if (Blank(pair.A) || Blank(pair.B) || Blank(pair.Source) || Blank(pair.Reason))
                throw new InvalidDataException($"Drug supplement: the contraindicated pair 「{pair.A}」×「{pair.B}」 needs a, b, source and reason.");
            if (string.Equals(pair.A, pair.B, StringComparison.Ordinal))
                throw new InvalidDataException($"Drug supplement: 「{pair.A}」 is paired with itself.");
        }
        foreach (var entry in Psychotropic)
        {
            if (Blank(entry.Ingredient) || Blank(entry.Source) || entry.Schedule is < 1 or > 3)
                throw new InvalidDataException($"Drug supplement: the psychotropic entry 「{entry.Ingredient}」 needs an ingredient, a schedule 1–3 and a source.");
        }
        foreach (var entry in NewDrug)
        {
            if (Blank(entry.Ingredient) || Blank(entry.Source) || entry.ListedOn == default)
                throw new InvalidDataException($"Drug supplement: the new-drug entry 「{entry.Ingredient}」 needs an ingredient, listedOn and a source.");
        }
        if (Poultice.DosageFormLetters is null || Poultice.DosageFormLetters.Count == 0 || Blank(Poultice.Source))
            throw new InvalidDataException("Drug supplement: the poultice rule needs dosageFormLetters and a source.");
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
