using System.Globalization;

namespace Kakehashi.Platform.History;

/// <summary>
/// Calendar days as they are counted in Japan (UTC+9, no daylight saving): a dispensing at
/// 01:30 on the 20th in Tokyo is on the 20th, although it is still the 19th in UTC.
/// </summary>
public static class JapanDates
{
    public static readonly TimeSpan Offset = JapanTime.Offset;

    /// <summary>The day of a FHIR date (<c>2026-11-20</c>) or dateTime with a time; null for a partial date or anything else.</summary>
    public static DateOnly? DayOf(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length == 10)
        {
            return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        }

        return value.Length > 10 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime)
            : null;
    }

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(Offset).DateTime);

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
