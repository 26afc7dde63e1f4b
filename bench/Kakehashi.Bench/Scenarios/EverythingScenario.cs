using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>Patient/$everything for sampled patients; "unsupported" when the server lacks the operation.</summary>
public sealed class EverythingScenario : IScenario
{
    private DataSample sample = null!;

    public string Name => "everything";

    public string Description => "Patient/{id}/$everything of a sampled patient";

    public async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        sample = await context.SampleAsync(cancellationToken);
        if (sample.PatientIds.Count == 0)
        {
            return "no patients on the server: run an import scenario first";
        }

        var probe = await context.SendAsync(null, HttpMethod.Get, $"Patient/{sample.PatientIds[0]}/$everything", null, cancellationToken);
        return probe.IsSuccess ? null : $"Patient/$everything answered HTTP {probe.Status}";
    }

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        await context.SendAsync("$everything", HttpMethod.Get, $"Patient/{worker.Random.Pick(sample.PatientIds)}/$everything", null, cancellationToken);
        return true;
    }
}
