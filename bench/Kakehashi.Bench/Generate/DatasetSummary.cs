namespace Kakehashi.Bench.Generate;

/// <summary>What a generation run produced (also saved as manifest.json).</summary>
public sealed record DatasetSummary(GeneratorOptions Options, Dictionary<string, long> ResourcesByType, long Resources, long Bundles, double Seconds);
