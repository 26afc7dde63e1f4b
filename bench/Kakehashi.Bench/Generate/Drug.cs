namespace Kakehashi.Bench.Generate;

/// <summary>A drug from the drug master: YJ code and the name as printed (from the JP-CLINS examples).</summary>
public sealed record Drug(string YjCode, string Name, string UsageCode, string UsageText, string Unit, double DosePerTime, int TimesPerDay, int Days, bool AsNeeded);
