namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>One line of the MHLW price list, the columns the master uses, as published.</summary>
public sealed record MhlwPriceRow(
    DrugRoute Route,
    string YjCode,
    string IngredientName,
    string Strength,
    bool Narcotic,
    string Name,
    string Maker,
    decimal Price);
