namespace Kakehashi.Bench.Runner;

/// <summary>Latency and errors of one kind of request (milliseconds).</summary>
public sealed record OperationResult(string Name, long Requests, long Errors, Dictionary<string, long> ErrorsByStatus, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
