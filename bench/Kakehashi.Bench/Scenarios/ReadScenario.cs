using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>Single reads of existing resources (Patient, Observation, Condition, Encounter) sampled from the server.</summary>
public sealed class ReadScenario : IScenario
{
    private DataSample sample = null!;

    public string Name => "read";

    public string Description => "read one existing resource by id (Patient, Observation, Condition, Encounter)";

    public async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        sample = await context.SampleAsync(cancellationToken);
        return sample.ReadTargets.Count == 0 ? "no data on the server: run an import scenario first" : null;
    }

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        var target = worker.Random.Pick(sample.ReadTargets);
        await context.SendAsync("read " + target[..target.IndexOf('/', StringComparison.Ordinal)], HttpMethod.Get, target, null, cancellationToken);
        return true;
    }
}
