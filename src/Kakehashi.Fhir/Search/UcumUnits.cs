namespace Kakehashi.Fhir.Search;

/// <summary>
/// A small UCUM conversion table for the units clinical data uses most, so that a quantity
/// search in one unit finds values stored in another of the same dimension (<c>5 mg</c> finds
/// <c>0.005 g</c>). Each code maps to a canonical unit by a factor (and, for temperatures, an
/// offset). Codes not listed are compared as written, which is what the specification requires
/// when no conversion is known.
/// </summary>
public static class UcumUnits
{
    public const string System = "http://unitsofmeasure.org";

    private static readonly Dictionary<string, (string Canonical, decimal Factor, decimal Offset)> Table = Build();

    /// <summary>Converts <paramref name="value"/> in <paramref name="code"/> to its canonical unit.</summary>
    public static bool TryCanonical(string? code, decimal value, out string canonical, out decimal converted)
    {
        canonical = "";
        converted = value;
        if (code is null || !Table.TryGetValue(code, out var unit))
        {
            return false;
        }

        canonical = unit.Canonical;
        // Open bounds (a comparator such as "<5") stay open whatever the unit.
        if (value == decimal.MinValue || value == decimal.MaxValue)
        {
            return true;
        }

        try
        {
            converted = (value * unit.Factor) + unit.Offset;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static bool IsConvertible(string? code) => code is not null && Table.ContainsKey(code);

    private static Dictionary<string, (string, decimal, decimal)> Build()
    {
        var table = new Dictionary<string, (string, decimal, decimal)>(StringComparer.Ordinal);
        void Add(string canonical, params (string Code, decimal Factor)[] units)
        {
            foreach (var (code, factor) in units)
            {
                table[code] = (canonical, factor, 0m);
            }
        }

        Add("g", ("kg", 1000m), ("g", 1m), ("mg", 0.001m), ("ug", 0.000001m), ("ng", 0.000000001m), ("pg", 0.000000000001m), ("[lb_av]", 453.59237m), ("[oz_av]", 28.349523125m));
        Add("L", ("L", 1m), ("l", 1m), ("dL", 0.1m), ("cL", 0.01m), ("mL", 0.001m), ("ml", 0.001m), ("uL", 0.000001m), ("fL", 0.000000000000001m));
        Add("m", ("km", 1000m), ("m", 1m), ("cm", 0.01m), ("mm", 0.001m), ("um", 0.000001m), ("[in_i]", 0.0254m), ("[ft_i]", 0.3048m));
        Add("s", ("s", 1m), ("ms", 0.001m), ("min", 60m), ("h", 3600m), ("d", 86400m), ("wk", 604800m));
        Add("mol", ("mol", 1m), ("mmol", 0.001m), ("umol", 0.000001m), ("nmol", 0.000000001m));
        Add("mol/L", ("mol/L", 1m), ("mmol/L", 0.001m), ("umol/L", 0.000001m), ("nmol/L", 0.000000001m), ("pmol/L", 0.000000000001m), ("mmol/dL", 0.01m));
        Add("g/L", ("g/L", 1m), ("g/dL", 10m), ("mg/dL", 0.01m), ("mg/L", 0.001m), ("ug/L", 0.000001m), ("ug/dL", 0.00001m), ("ng/mL", 0.000001m), ("ug/mL", 0.001m), ("pg/mL", 0.000000001m), ("mg/mL", 1m), ("kg/L", 1000m));
        Add("Pa", ("Pa", 1m), ("kPa", 1000m), ("mm[Hg]", 133.322m), ("cm[H2O]", 98.0665m));
        Add("/L", ("/L", 1m), ("/uL", 1000000m), ("/mm3", 1000000m), ("/mL", 1000m), ("10*3/uL", 1000000000m), ("10*6/uL", 1000000000000m), ("10*9/L", 1000000000m), ("10*12/L", 1000000000000m));
        Add("g/d", ("g/d", 1m), ("mg/d", 0.001m), ("g/(24.h)", 1m), ("mg/(24.h)", 0.001m));
        Add("kg/m2", ("kg/m2", 1m), ("g/m2", 0.001m));
        Add("/s", ("/s", 1m), ("/min", 1m / 60m), ("{beats}/min", 1m / 60m), ("/h", 1m / 3600m));
        // Temperatures need an offset: Kelvin is the canonical unit.
        table["K"] = ("K", 1m, 0m);
        table["Cel"] = ("K", 1m, 273.15m);
        table["[degF]"] = ("K", 5m / 9m, 273.15m - (32m * 5m / 9m));
        return table;
    }
}
