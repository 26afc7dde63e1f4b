namespace Kakehashi.Bench.Generate;

/// <summary>
/// A lab or checkup item: code (JLAC10 17 digits, or a 特定健診 item code), its code system, display,
/// UCUM unit, and the normal range used both to draw values and to flag H/L.
/// </summary>
public sealed record LabTest(string Code, string System, string Display, string Unit, string UcumCode, double Low, double High, int Decimals);
