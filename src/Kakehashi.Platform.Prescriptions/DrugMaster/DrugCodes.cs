namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>The shape of YJ codes and of their ingredient part.</summary>
public static class DrugCodes
{
    public const int YjCodeLength = 12;
    public const int IngredientCodeLength = 7;

    /// <summary>All 3,240 ingredient codes of the 2025-07-16 list are 7 digits; no 成分名 is, so a supplement key of 7 digits is a code.</summary>
    public static bool IsIngredientCode(string key) =>
        key.Length == IngredientCodeLength && key.All(char.IsAsciiDigit);
}
