using System.Globalization;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// A FHIR date, dateTime or instant as the inclusive range of microseconds (since the Unix
/// epoch, UTC) that its precision covers: "2020" is all of 2020, "2020-03-01T10:00" one minute.
/// Values without a time zone are taken as UTC so that index and query agree.
/// </summary>
public readonly record struct FhirDateRange(long Start, long End)
{
    /// <summary>The open end of a period (0001-01-01 and 9999-12-31T23:59:59.999999Z).</summary>
    public const long MinValue = -62135596800_000_000;

    public const long MaxValue = 253402300799_999_999;

    private const long TicksPerMicrosecond = 10;

    public static bool TryParse(string? text, out FhirDateRange range)
    {
        try
        {
            return TryParseCore(text, out range);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A zone offset that pushes year 1 before the calendar's start.
            range = default;
            return false;
        }
    }

    private static bool TryParseCore(string? text, out FhirDateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 4)
        {
            return false;
        }

        if (!TryInt(text, 0, 4, out var year) || year < 1)
        {
            return false;
        }

        if (text.Length == 4)
        {
            return Make(new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), s => s.AddYears(1), out range);
        }

        if (text[4] != '-' || text.Length < 7 || !TryInt(text, 5, 2, out var month) || month is < 1 or > 12)
        {
            return false;
        }

        if (text.Length == 7)
        {
            return Make(new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero), s => s.AddMonths(1), out range);
        }

        if (text[7] != '-' || text.Length < 10 || !TryInt(text, 8, 2, out var day) || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (text.Length == 10)
        {
            return Make(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero), s => s.AddDays(1), out range);
        }

        return text[10] == 'T' && TryParseTime(text, year, month, day, out range);
    }

    private static bool TryParseTime(string text, int year, int month, int day, out FhirDateRange range)
    {
        range = default;
        var zoneAt = text.IndexOfAny(['Z', 'z', '+', '-'], 11);
        var time = zoneAt < 0 ? text[11..] : text[11..zoneAt];
        var offset = TimeSpan.Zero;
        if (zoneAt >= 0 && !TryParseZone(text[zoneAt..], out offset))
        {
            return false;
        }

        if (time.Length < 5 || time[2] != ':' || !TryInt(time, 0, 2, out var hour) || !TryInt(time, 3, 2, out var minute)
            || hour > 23 || minute > 59)
        {
            return false;
        }

        var second = 0;
        var fraction = "";
        if (time.Length > 5)
        {
            if (time.Length < 8 || time[5] != ':' || !TryInt(time, 6, 2, out second) || second > 60)
            {
                return false;
            }

            if (time.Length > 8)
            {
                fraction = time[9..];
                if (time[8] != '.' || fraction.Length == 0 || !fraction.All(char.IsAsciiDigit))
                {
                    return false;
                }
            }
        }

        // A leap second is folded into the last representable instant of that minute.
        var start = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), offset);
        if (time.Length == 5)
        {
            return Make(start, s => s.AddMinutes(1), out range);
        }

        if (fraction.Length == 0)
        {
            return Make(start, s => s.AddSeconds(1), out range);
        }

        var digits = Math.Min(fraction.Length, 7);
        var ticks = long.Parse(fraction[..digits], CultureInfo.InvariantCulture) * (long)Math.Pow(10, 7 - digits);
        var unit = (long)Math.Pow(10, 7 - digits);
        return Make(start.AddTicks(ticks), s => s.AddTicks(Math.Max(unit, TicksPerMicrosecond)), out range);
    }

    private static bool TryParseZone(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "Z" or "z")
        {
            return true;
        }

        if (zone.Length != 6 || zone[3] != ':' || !TryInt(zone, 1, 2, out var hours) || !TryInt(zone, 4, 2, out var minutes)
            || hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (zone[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool Make(DateTimeOffset start, Func<DateTimeOffset, DateTimeOffset> next, out FhirDateRange range)
    {
        long endUs;
        try
        {
            endUs = ToMicroseconds(next(start)) - 1;
        }
        catch (ArgumentOutOfRangeException)
        {
            // The last period of year 9999 has no successor to subtract from.
            endUs = MaxValue;
        }

        range = new FhirDateRange(ToMicroseconds(start), endUs);
        return true;
    }

    public static long ToMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    private static bool TryInt(string text, int start, int length, out int value)
    {
        value = 0;
        if (start + length > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }
}
