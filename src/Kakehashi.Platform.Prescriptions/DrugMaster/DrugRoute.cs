namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>The price list's 区分: the route class a product is listed under.</summary>
public enum DrugRoute
{
    /// <summary>内用薬</summary>
    Internal,

    /// <summary>注射薬</summary>
    Injection,

    /// <summary>外用薬</summary>
    External,

    /// <summary>歯科用薬剤</summary>
    Dental,
}

/// <summary>The price list's 区分 labels, read and written.</summary>
public static class DrugRoutes
{
    public static bool TryParse(string label, out DrugRoute route)
    {
        switch (label)
        {
            case "内用薬": route = DrugRoute.Internal; return true;
            case "注射薬": route = DrugRoute.Injection; return true;
            case "外用薬": route = DrugRoute.External; return true;
            case "歯科用薬剤": route = DrugRoute.Dental; return true;
            default: route = default; return false;
        }
    }

    public static string Label(this DrugRoute route) => route switch
    {
        DrugRoute.Internal => "内用薬",
        DrugRoute.Injection => "注射薬",
        DrugRoute.External => "外用薬",
        DrugRoute.Dental => "歯科用薬剤",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };
}
