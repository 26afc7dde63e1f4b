namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// The shape of the Ministry's drug codes. A price-list code (薬価基準収載医薬品コード), a YJ code
/// (個別医薬品コード) and a 一般名処方コード are 12 characters and share their first 9: therapeutic
/// class (4 digits), route and ingredient (3 digits), dosage form (a letter), strength (a digit). A
/// price-list or YJ code then numbers the product within that drug (2 digits) and ends with a check
/// digit; a 一般名処方コード ends with ZZZ instead — except the Ministry's few exception codes (例外コード),
/// whose 9th character is a letter and whose end is another string, for drugs the 9 characters do
/// not tell apart.
/// </summary>
public static class DrugCodes
{
    public const int YjCodeLength = 12;
    public const int IngredientCodeLength = 7;

    /// <summary>Ingredient, dosage form and strength: what the three code systems share.</summary>
    public const int DrugCodeLength = 9;

    /// <summary>The end of a 一般名処方コード that is not an exception code.</summary>
    public const string GeneralNameSuffix = "ZZZ";

    /// <summary>All 3,240 ingredient codes of the 2025-07-16 list are 7 digits; no 成分名 is, so a supplement key of 7 digits is a code.</summary>
    public static bool IsIngredientCode(string key) =>
        key.Length == IngredientCodeLength && key.All(char.IsAsciiDigit);

    /// <summary>7 digits, a dosage-form letter, 4 digits: the shape of every code of the price list.</summary>
    public static bool IsYjShaped(string code) =>
        HasDrugPrefixShape(code) && code[(IngredientCodeLength + 1)..].All(char.IsAsciiDigit);

    /// <summary>7 digits, a dosage-form letter, 4 digits or capital letters (an exception code's end is not ZZZ).</summary>
    public static bool IsGeneralNameShaped(string code) =>
        HasDrugPrefixShape(code) && code[(IngredientCodeLength + 1)..].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));

    private static bool HasDrugPrefixShape(string code) =>
        code.Length == YjCodeLength && code[..IngredientCodeLength].All(char.IsAsciiDigit) && char.IsAsciiLetterUpper(code[IngredientCodeLength]);
}
