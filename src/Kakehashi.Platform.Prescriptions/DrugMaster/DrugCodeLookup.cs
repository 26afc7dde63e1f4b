using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// Whether a drug code names a drug of one master version (<see cref="IDrugCodeDirectory"/>). The
/// master is the price list, so it decides at the level every code system shares — ingredient,
/// dosage form and strength (<see cref="DrugCodes"/>) — and says less than that only where it must:
/// <list type="bullet">
/// <item>A <b>YJ code</b> listed is known. One not listed whose drug is listed is known too, with a
/// note: the price list gives one code to a unified-name (統一名収載) drug, whose products keep their
/// own YJ codes (プレドニン錠５ｍｇ is 2456001F1310 under プレドニゾロン錠 2456001F1019), and it drops
/// a product whose transitional period ended while prescriptions of it are still shared
/// (カルボシステイン錠２５０ｍｇ「サワイ」 2233002F1280, listed until March 2025). A YJ code whose drug
/// no product has is unknown.</item>
/// <item>A <b>一般名処方コード</b> (the drug's 9 characters and ZZZ) is known when a listed product has
/// its 9 characters. An exception code (例外コード) is checked on its ingredient only, with a note.
/// Whether the Ministry's 一般名処方マスタ lists the code (only drugs with generics are) is not
/// checked: that list is not shipped.</item>
/// <item>Any other system is not checked: the price list carries no HOT or レセプト電算 codes.</item>
/// </list>
/// </summary>
public static class DrugCodeLookup
{
    public static DrugCodeAnswer Answer(DrugMasterVersion master, string? system, string? code)
    {
        ArgumentNullException.ThrowIfNull(master);
        if (string.IsNullOrEmpty(code))
        {
            return new DrugCodeAnswer(DrugCodeVerdict.NotChecked, null);
        }

        if (KnownPrescriptionSystems.IsYjOfAnyGuide(system))
        {
            return Yj(master, code);
        }

        return KnownPrescriptionSystems.IsGeneralNameCode(system) ? GeneralName(master, code) : new DrugCodeAnswer(DrugCodeVerdict.NotChecked, null);
    }

    private static DrugCodeAnswer Yj(DrugMasterVersion master, string code)
    {
        if (!DrugCodes.IsYjShaped(code))
        {
            return Unknown($"YJ code {code} is not a YJ code: 12 characters, 7 digits, a dosage-form letter and 4 digits (e.g. 1124001F1022).");
        }

        if (master.Find(code) is not null)
        {
            return new DrugCodeAnswer(DrugCodeVerdict.Known, null);
        }

        var drug = code[..DrugCodes.DrugCodeLength];
        if (master.FindDrug(drug) is { } listed)
        {
            return new DrugCodeAnswer(DrugCodeVerdict.Known,
                $"YJ code {code} is not in the drug master {master.Version}; its drug {drug} ({listed.IngredientName} {listed.Strength}) is: checked as that drug " +
                "(the product of a unified-name listing (統一名収載), or one no longer listed).");
        }

        return Unknown($"YJ code {code} names no drug of the drug master {master.Version}: no listed product has its ingredient, dosage form and strength {drug}{IngredientHint(master, code)}.");
    }

    private static DrugCodeAnswer GeneralName(DrugMasterVersion master, string code)
    {
        if (!DrugCodes.IsGeneralNameShaped(code))
        {
            return Unknown($"一般名処方コード {code} is not a general-name code: 12 characters, the drug's 9 (7 digits, a dosage-form letter, a digit) and ZZZ (e.g. 1124030F2ZZZ).");
        }

        var drug = code[..DrugCodes.DrugCodeLength];
        if (code.EndsWith(DrugCodes.GeneralNameSuffix, StringComparison.Ordinal) && char.IsAsciiDigit(code[DrugCodes.DrugCodeLength - 1]))
        {
            return master.FindDrug(drug) is not null
                ? new DrugCodeAnswer(DrugCodeVerdict.Known, null)
                : Unknown($"一般名処方コード {code} names no drug of the drug master {master.Version}: no listed product has its ingredient, dosage form and strength {drug}{IngredientHint(master, code)}.");
        }

        // An exception code (例外コード): its 9th character and end are the Ministry's choice, so only the ingredient can be checked.
        var ingredient = code[..DrugCodes.IngredientCodeLength];
        return master.FindIngredient(ingredient) is { } product
            ? new DrugCodeAnswer(DrugCodeVerdict.Known,
                $"一般名処方コード {code} is an exception code (例外コード): checked on its ingredient {ingredient} ({product.IngredientName}) only, against the drug master {master.Version}.")
            : Unknown($"一般名処方コード {code} names no drug of the drug master {master.Version}: no listed product has its ingredient code {ingredient}.");
    }

    /// <summary>When the ingredient is listed but not in this form and strength, say which it is: the mistake is then in the last characters.</summary>
    private static string IngredientHint(DrugMasterVersion master, string code) =>
        master.FindIngredient(code[..DrugCodes.IngredientCodeLength]) is { } product
            ? $" (its ingredient code {product.IngredientCode} is {product.IngredientName}, listed in other forms or strengths)"
            : $" (nor its ingredient code {code[..DrugCodes.IngredientCodeLength]})";

    private static DrugCodeAnswer Unknown(string message) => new(DrugCodeVerdict.Unknown, message);
}
