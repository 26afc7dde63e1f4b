using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// <c>ConceptMap/$translate</c>: the target codes for a source code, from one map (id or
/// <c>url</c>) or from every map (stored and packaged) whose groups start at the code's system.
/// </summary>
public sealed class ConceptMapTranslateOperation(TerminologyService terminology, IResourceStore store, FhirSerializer serializer, StoredConformanceSource stored)
    : TerminologyOperationBase<ConceptMap>(terminology, store, serializer)
{
    public override string Name => "translate";

    public override string Definition => "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate";

    protected override async Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var coding = OperationParameters.Value<CodeableConcept>(request.Parameters, "codeableConcept")?.Coding.FirstOrDefault()
            ?? OperationParameters.Coding(request.Parameters)
            ?? throw FhirException.BadRequest("$translate needs 'code' and 'system', 'coding' or 'codeableConcept'.");
        var system = coding.System ?? throw FhirException.BadRequest("$translate needs the 'system' of the code.", "system");
        var targetSystem = OperationParameters.Text(request.Parameters, "targetsystem");
        var map = await TargetAsync(request, "conceptMap", "url", Terminology.FindConceptMapAsync, cancellationToken);
        IReadOnlyList<ConceptMap> maps = map is not null ? [map] : await Terminology.ConceptMapsFromAsync(system, stored, cancellationToken);
        if (maps.Count == 0)
        {
            throw FhirException.NotFound($"No ConceptMap on this server translates from '{system}'.");
        }

        var matches = maps.SelectMany(m => Terminology.Translate(m, system, coding.Code ?? "", targetSystem)).ToList();
        var mapped = matches.Where(m => m.Equivalence is not (ConceptMapEquivalence.Unmatched or ConceptMapEquivalence.Disjoint)).ToList();
        var output = new Parameters();
        output.Add("result", new FhirBoolean(mapped.Count > 0));
        output.Add("message", new FhirString(mapped.Count > 0
            ? $"{mapped.Count} match(es) for {TerminologyService.Describe(coding)}."
            : $"No mapping for {TerminologyService.Describe(coding)}."));
        foreach (var (equivalence, target, source) in matches)
        {
            var parts = new List<(string, DataType)>();
            if (equivalence is not null)
            {
                parts.Add(("equivalence", new Code(equivalence.Value.GetLiteral())));
            }

            if (target.Code is not null)
            {
                parts.Add(("concept", target));
            }

            if (source is not null)
            {
                parts.Add(("source", new FhirUri(source)));
            }

            OperationParameters.AddParts(output, "match", [.. parts]);
        }

        return output;
    }
}
