namespace Kakehashi.Bench.Runner;

/// <summary>Where and when the run happened.</summary>
public sealed record MachineInfo(string Host, string Os, string Cpu, int Cores, string Runtime, string? LoadAverage);
