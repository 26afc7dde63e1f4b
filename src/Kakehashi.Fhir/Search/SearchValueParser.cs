using System.Globalization;
using System.Text;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Parses the value side of a search parameter: escaping (<c>\,</c> <c>\|</c> <c>\$</c>
/// <c>\\</c>), comparison prefixes and the typed value forms. Errors name the parameter so the
/// client can see which part of its query was wrong.
/// </summary>
internal static class SearchValueParser
{
    private static readonly Dictionary<string, SearchPrefix> Prefixes = new(StringComparer.Ordinal)
    {
        ["eq"] = SearchPrefix.Eq,
        ["ne"] = SearchPrefix.Ne,
        ["gt"] = SearchPrefix.Gt,
        ["lt"] = SearchPrefix.Lt,
        ["ge"] = SearchPrefix.Ge,
        ["le"] = SearchPrefix.Le,
        ["sa"] = SearchPrefix.Sa,
        ["eb"] = SearchPrefix.Eb,
        ["ap"] = SearchPrefix.Ap,
    };

    // "ap" on a date: the spec leaves "approximately" to the server; 10% of the value's own
    // span, and at least a day, keeps it independent of the current time.
    private const long MicrosecondsPerDay = 86_400_000_000;

    /// <summary>Splits on a separator that is not escaped with a backslash; parts stay escaped.</summary>
    public static List<string> SplitEscaped(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }

        parts.Add(value[start..]);
        return parts;
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
    }

    /// <summary>The comma-separated alternatives of a value, unescaped, empty ones dropped.</summary>
    public static List<string> Alternatives(string value) =>
        [.. SplitEscaped(value, ',').Select(Unescape).Where(v => v.Length > 0)];

    public static (SearchPrefix Prefix, string Value) SplitPrefix(string value)
    {
        if (value.Length > 2 && Prefixes.TryGetValue(value[..2], out var prefix)
            && (char.IsAsciiDigit(value[2]) || value[2] is '-' or '+' or '.'))
        {
            return (prefix, value[2..]);
        }

        return (SearchPrefix.Eq, value);
    }

    public static TokenValue ParseToken(string escaped)
    {
        var parts = SplitEscaped(escaped, '|');
        if (parts.Count == 1)
        {
            return new TokenValue(null, Unescape(parts[0]));
        }

        if (parts.Count != 2)
        {
            throw new FormatException("a token is [system]|[code]");
        }

        var system = Unescape(parts[0]);
        var code = Unescape(parts[1]);
        if (system.Length == 0 && code.Length == 0)
        {
            throw new FormatException("'|' alone names neither a system nor a code");
        }

        return new TokenValue(system.Length == 0 ? null : system, code.Length == 0 ? null : code, SystemMustBeAbsent: system.Length == 0);
    }

    public static DateValue ParseDate(string value)
    {
        var (prefix, rest) = SplitPrefix(value);
        if (!FhirDateRange.TryParse(rest, out var range))
        {
            throw new FormatException($"'{rest}' is not a FHIR date");
        }

        if (prefix == SearchPrefix.Ap)
        {
            var widen = Math.Max((range.End - range.Start) / 10, MicrosecondsPerDay);
            return new DateValue(prefix, Math.Max(range.Start - widen, FhirDateRange.MinValue), Math.Min(range.End + widen, FhirDateRange.MaxValue));
        }

        return new DateValue(prefix, range.Start, range.End);
    }

    public static NumberValue ParseNumber(string value)
    {
        var (prefix, rest) = SplitPrefix(value);
        return ParseNumber(prefix, rest);
    }

    public static QuantityValue ParseQuantity(string escaped)
    {
        var parts = SplitEscaped(escaped, '|');
        if (parts.Count is not (1 or 3))
        {
            throw new FormatException("a quantity is [prefix]number|system|code");
        }

        var (prefix, rest) = SplitPrefix(Unescape(parts[0]));
        var number = ParseNumber(prefix, rest);
        if (parts.Count == 1)
        {
            return new QuantityValue(number, null, null);
        }

        var system = Unescape(parts[1]);
        var code = Unescape(parts[2]);
        return new QuantityValue(number, system.Length == 0 ? null : system, code.Length == 0 ? null : code);
    }

    public static bool ParseBoolean(string value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException("expected true or false"),
    };

    private static NumberValue ParseNumber(SearchPrefix prefix, string text)
    {
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"'{text}' is not a number");
        }

        // The precision the client wrote is the range it means: "100" covers 99.5 up to 100.5.
        var scale = (decimal.GetBits(number)[3] >> 16) & 0xFF;
        var half = 0.5m / Pow10(scale);
        return new NumberValue(prefix, number, number - half, number + half);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
