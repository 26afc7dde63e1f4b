using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Online eligibility checks at reception (docs/eligibility.md), over the synthetic population
/// loaded with the same --people / --seed (import-eligibility, or import-synthetic): in turn, a
/// check by insurance card and by card certificate through the compact JSON endpoint
/// (<c>POST /eligibility/check</c>), and — with <c>--eligibility-kinds</c> naming it — the FHIR
/// operation <c>CoverageEligibilityRequest/$submit</c>. Persons are drawn from the whole
/// population (<c>--eligibility-sample</c>, 5,000), so lookups do not hit a small hot set.
/// </summary>
public sealed class EligibilityScenario : IScenario
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly List<(string Operation, string Url, MediaTypeHeaderValue Type, byte[][] Bodies)> kinds = [];
    private long notValid;

    public string Name => "eligibility";

    public string Description => "eligibility check at reception: by insurance card and by card certificate (JSON), optionally FHIR $submit";

    public string? Note => Interlocked.Read(ref notValid) == 0 ? null : $"{notValid} answers were not 'valid' (expected all valid for sampled persons)";

    public async Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = SyntheticImportScenario.GeneratorFrom(context.Options);
        var people = EligibilitySample.Draw(options, context.Options.IntSetting("eligibility-sample", 5000), options.Seed);
        foreach (var kind in (context.Options.Setting("eligibility-kinds") ?? "insurance-card,card").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (kind)
            {
                case "insurance-card":
                    kinds.Add(("check insurance-card", "/eligibility/check", Json, [.. people.Select(InsuranceCardBody)]));
                    break;
                case "card":
                    kinds.Add(("check card", "/eligibility/check", Json, [.. people.Select(CardBody)]));
                    break;
                case "fhir":
                    kinds.Add(("$submit insurance-card", "CoverageEligibilityRequest/$submit", new MediaTypeHeaderValue(ScenarioContext.FhirJson), [.. people.Select(FhirBody)]));
                    break;
                default:
                    return $"unknown --eligibility-kinds '{kind}' (insurance-card, card, fhir)";
            }
        }

        foreach (var (operation, url, type, bodies) in kinds)
        {
            var probe = await context.SendAsync(null, HttpMethod.Post, url, bodies[0], type, cancellationToken);
            if (!probe.IsSuccess)
            {
                return $"{operation} answered HTTP {probe.Status}: {Encoding.UTF8.GetString(probe.Body.AsSpan(0, Math.Min(300, probe.Body.Length)))}";
            }

            if (!IsValid(probe.Body))
            {
                return $"{operation}: the first sampled person is not 'valid' — load the same --people/--seed with import-eligibility first";
            }
        }

        return null;
    }

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        var (operation, url, type, bodies) = kinds[(int)(worker.Iterations % kinds.Count)];
        var response = await context.SendAsync(operation, HttpMethod.Post, url, worker.Random.Pick(bodies), type, cancellationToken);
        if (response.IsSuccess && !IsValid(response.Body))
        {
            Interlocked.Increment(ref notValid);
        }

        return true;
    }

    private static bool IsValid(byte[] body) =>
        body.AsSpan().IndexOf("\"status\":\"valid\""u8) >= 0 || body.AsSpan().IndexOf("\"valueCode\":\"valid\""u8) >= 0;

    private static byte[] InsuranceCardBody(InsuredPerson p) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        insuranceCard = new { insurerNumber = p.Insurer, symbol = p.Symbol, number = p.Number, branch = p.Branch, birthDate = p.BirthDate },
    });

    private static byte[] CardBody(InsuredPerson p) => JsonSerializer.SerializeToUtf8Bytes(new { card = new { certificate = p.CertificateBase64 } });

    private static byte[] FhirBody(InsuredPerson p) => Encoding.UTF8.GetBytes($$"""
        {"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-01",
         "contained":[{"resourceType":"Patient","id":"p","identifier":[{"system":"http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID","value":"{{p.Insurer}}:{{p.Symbol}}:{{p.Number}}:{{p.Branch}}"}],"birthDate":"{{p.BirthDate}}"}],
         "patient":{"reference":"#p"},"insurer":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.61","value":"{{p.Insurer}}"} } }
        """);
}
