using Kakehashi.Bench.Generate;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// A mix of searches, one kind per iteration in turn, with values sampled from the server's data:
/// string, token, date, reference, chained, _has and _include. A kind the server rejects when
/// probed is left out and named in the result, so one missing feature does not hide the others.
/// </summary>
public sealed class SearchScenario : IScenario
{
    private readonly List<(string Kind, Func<DeterministicRandom, string> Url)> queries = [];

    public string Name => "search";

    public string Description => "search mix: string, token, date, reference, chained, _has, _include";

    public async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var s = await context.SampleAsync(cancellationToken);
        if (s.IsEmpty)
        {
            return "no patients on the server: run an import scenario first";
        }

        static string E(string value) => Uri.EscapeDataString(value);
        var candidates = new List<(string Kind, Func<DeterministicRandom, string> Url)>();
        if (s.Families.Count > 0)
        {
            candidates.Add(("string", r => $"Patient?family={E(r.Pick(s.Families))}&_count=20"));
        }

        if (s.PatientIdentifiers.Count > 0)
        {
            candidates.Add(("token", r => $"Patient?identifier={E(r.Pick(s.PatientIdentifiers))}"));
            candidates.Add(("chained", r => $"Encounter?subject:Patient.identifier={E(r.Pick(s.PatientIdentifiers))}&_count=20"));
        }

        if (s.BirthDates.Count > 0)
        {
            candidates.Add(("date", r => $"Patient?birthdate={E(r.Pick(s.BirthDates))}&_count=20"));
        }

        candidates.Add(("reference", r => $"Observation?subject=Patient/{E(r.Pick(s.PatientIds))}&_count=50"));
        if (s.ConditionCodes.Count > 0)
        {
            candidates.Add(("_has", r => $"Patient?_has:Condition:subject:code={E(r.Pick(s.ConditionCodes))}&_count=20"));
        }

        if (s.ObservationCodes.Count > 0)
        {
            candidates.Add(("token+reference", r => $"Observation?subject=Patient/{E(r.Pick(s.PatientIds))}&code={E(r.Pick(s.ObservationCodes))}"));
        }

        candidates.Add(("_include", r => $"Encounter?subject=Patient/{E(r.Pick(s.PatientIds))}&_include=Encounter:subject&_include=Encounter:service-provider&_count=20"));

        var rejected = new List<string>();
        var probeRandom = new DeterministicRandom(1);
        foreach (var candidate in candidates)
        {
            var probe = await context.SendAsync(null, HttpMethod.Get, candidate.Url(probeRandom), null, cancellationToken);
            if (probe.IsSuccess)
            {
                queries.Add(candidate);
            }
            else
            {
                rejected.Add($"{candidate.Kind} (HTTP {probe.Status})");
            }
        }

        Rejected = rejected;
        return queries.Count == 0 ? "every search kind was rejected: " + string.Join(", ", rejected) : null;
    }

    /// <summary>Kinds the server rejected when probed.</summary>
    public IReadOnlyList<string> Rejected { get; private set; } = [];

    public string? Note => Rejected.Count == 0 ? null : "left out (rejected when probed): " + string.Join(", ", Rejected);

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        var (kind, url) = queries[(int)((worker.Iterations + worker.Index) % queries.Count)];
        await context.SendAsync(kind, HttpMethod.Get, url(worker.Random), null, cancellationToken);
        return true;
    }
}
