namespace Kakehashi.Bench.Generate;

/// <summary>A prefecture: JIS code (01–47), name, population in 10,000s (2020 census, rounded) and three cities.</summary>
public sealed record Prefecture(int Code, string Name, int Population, IReadOnlyList<string> Cities);
