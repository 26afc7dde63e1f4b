using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.History;

/// <summary>
/// <c>GET Patient/[id]/$checkup-history</c> (特定健診等情報): the patient's specific health
/// checkups across the years, newest first — for each a DiagnosticReport (the day, the checkup
/// institution, the document's identifier) followed by its results as Observations. <c>code</c>
/// (<c>system|code</c> or <c>code</c>, comma-separated, repeatable) keeps only those items, e.g.
/// HbA1c over the years. Needs consent category <c>checkup</c>.
/// </summary>
public sealed class CheckupHistoryOperation(HistoryAccess access, CheckupStore checkups, IResourceStore store, FhirSerializer serializer)
    : HistoryOperation(access, store)
{
    protected override HistoryView View => HistoryView.Checkup;

    protected override string[] ExtraParameters => ["code"];

    protected override async Task<FhirResponse> BuildAsync(OperationRequest request, HistoryParameters parameters, IReadOnlySet<string> granted, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var codes = parameters.Values.TryGetValue("code", out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : null;
        var entries = new List<(string, Resource)>();
        foreach (var row in await checkups.ListAsync("Patient/" + id, parameters.From, parameters.Until, request.Transaction?.Sql(), cancellationToken))
        {
            var (document, _) = CheckupDocument.Read((Bundle)serializer.ParseJson(System.Text.Encoding.UTF8.GetBytes(row.Document)));
            if (document is null)
            {
                continue;
            }

            var results = document.Observations.Where(o => codes is null || codes.Any(c => Matches(o.Observation, c))).ToList();
            if (results.Count == 0)
            {
                continue;
            }

            var urls = document.Observations.ToDictionary(o => o.Index, o => StableUrn.For($"checkup/{row.Id}/{o.Index}"));
            var report = Report(id, row, document, [.. results.Select(r => urls[r.Index])]);
            entries.Add((StableUrn.For($"checkup/{row.Id}"), report));
            foreach (var (index, _, observation) in results)
            {
                entries.Add((urls[index], Result(id, document, observation, urls)));
            }
        }

        return HistoryBundle.Render(request, Name, entries);
    }

    private static bool Matches(Observation observation, string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        return observation.Code.Coding.Any(c => bar < 0 ? c.Code == token : c.System == token[..bar] && c.Code == token[(bar + 1)..]);
    }

    private static DiagnosticReport Report(string patientId, CheckupReportRow row, CheckupDocument document, List<string> results)
    {
        var source = new ResourceReference { Type = "Bundle", Identifier = new Identifier(row.DocumentSystem, row.DocumentValue) };
        var report = new DiagnosticReport
        {
            Meta = new Meta { Tag = [new Coding(KnownHistorySystems.HistorySource, "checkup")] },
            Extension = [new Extension(KnownHistorySystems.DerivedFrom, source)],
            Identifier = [new Identifier(row.DocumentSystem, row.DocumentValue)],
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept(KnownHistorySystems.CheckupProgram, KnownHistorySystems.SpecificCheckupProgram, "特定健診"),
            Subject = new ResourceReference("Patient/" + patientId),
            Effective = new FhirDateTime(JapanDates.Text(document.Date)),
            Issued = row.RegisteredAt,
            Result = [.. results.Select(url => new ResourceReference(url))],
        };
        if (document.InstitutionName is not null || document.InstitutionCode is not null)
        {
            report.Performer.Add(new ResourceReference
            {
                Type = "Organization",
                Identifier = document.InstitutionCode is null ? null : new Identifier(KnownHistorySystems.InstitutionCode, document.InstitutionCode),
                Display = document.InstitutionName,
            });
        }

        return report;
    }

    /// <summary>
    /// A result as the view shows it: the patient is the platform's Patient, other results of the
    /// document are the view's entries, and what the view does not carry (the document's
    /// practitioners, organizations, encounter) keeps its identifier and name only.
    /// </summary>
    private static Observation Result(string patientId, CheckupDocument document, Observation observation, Dictionary<int, string> urls)
    {
        var result = (Observation)observation.DeepCopy();
        result.Id = null;
        result.Meta = new Meta { Tag = [new Coding(KnownHistorySystems.HistorySource, "checkup")] };
        result.Subject = new ResourceReference("Patient/" + patientId);
        Rewrite(result, document, patientId, urls);
        result.Effective ??= new FhirDateTime(JapanDates.Text(document.Date));
        return result;
    }

    private static void Rewrite(Base element, CheckupDocument document, string patientId, Dictionary<int, string> urls)
    {
        var children = element.EnumerateElements().SelectMany(e => e.Value switch
        {
            Base single => [single],
            IEnumerable<Base> many => many,
            _ => [],
        }).ToList();
        foreach (var child in children)
        {
            if (child is not ResourceReference reference)
            {
                Rewrite(child, document, patientId, urls);
                continue;
            }

            if (reference.Reference is null || reference.Reference.StartsWith("Patient/" + patientId, StringComparison.Ordinal))
            {
                continue;
            }

            var (index, target) = document.Resolve(reference.Reference);
            reference.Reference = target switch
            {
                Patient => "Patient/" + patientId,
                Observation when urls.TryGetValue(index, out var url) => url,
                _ => null,
            };
            if (reference.Reference is null)
            {
                reference.Display ??= target switch
                {
                    Organization organization => organization.Name,
                    Practitioner practitioner => practitioner.Name.FirstOrDefault()?.Text,
                    _ => target?.TypeName,
                };
                reference.Identifier ??= target switch
                {
                    Organization organization => organization.Identifier.FirstOrDefault(),
                    Practitioner practitioner => practitioner.Identifier.FirstOrDefault(),
                    _ => null,
                };
            }
        }
    }
}
