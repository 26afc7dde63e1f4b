namespace Kakehashi.Bench.Runner;

/// <summary>
/// A benchmark scenario. Adding one is adding one public class with a parameterless constructor:
/// the <see cref="ScenarioCatalog"/> finds it by reflection and <c>--scenarios</c> selects it by
/// <see cref="Name"/>.
/// </summary>
public interface IScenario
{
    /// <summary>The name used on the command line, e.g. "crud".</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>
    /// True for a fixed amount of work (an import): the scenario ends when <see cref="RunOnceAsync"/>
    /// returns false, with no warm-up and no time limit unless one is given with --max-seconds.
    /// </summary>
    bool Finite => false;

    /// <summary>Anything the result should say (e.g. search kinds the server rejected).</summary>
    string? Note => null;

    /// <summary>
    /// Once before the run: sample data, probe the server. Returns null when the scenario can run,
    /// otherwise why not (reported as "unsupported", never as a crash).
    /// </summary>
    Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken);

    /// <summary>One iteration on one worker; false when there is no more work.</summary>
    Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken);
}
