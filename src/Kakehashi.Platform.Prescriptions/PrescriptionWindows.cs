namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// When a prescription may be dispensed, in Japan's calendar days (../shared/DOMAIN.md): within 4
/// days counting the day of issue (issued on the 1st: until the end of the 4th); a refill's later
/// uses within 7 days either side of the planned day — the day the previous use's supply runs out.
/// </summary>
public static class PrescriptionWindows
{
    public const int ValidDays = 4;

    public const int RefillTolerance = 7;

    public const int MaxUses = 3;

    public static (DateOnly Start, DateOnly End) First(DateOnly issueDay) => (issueDay, issueDay.AddDays(ValidDays - 1));

    public static (DateOnly Start, DateOnly End) Next(DateOnly dispensedDay, int supplyDays)
    {
        var planned = dispensedDay.AddDays(supplyDays);
        return (planned.AddDays(-RefillTolerance), planned.AddDays(RefillTolerance));
    }
}
