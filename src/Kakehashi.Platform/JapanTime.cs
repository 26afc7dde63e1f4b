namespace Kakehashi.Platform;

/// <summary>Japan has one time zone and no daylight saving: visit dates, consent times and calendar days are in JST (UTC+9).</summary>
public static class JapanTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);
}
