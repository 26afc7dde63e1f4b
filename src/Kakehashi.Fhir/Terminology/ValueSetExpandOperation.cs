using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary><c>ValueSet/$expand</c> and <c>ValueSet/[id]/$expand</c>: <c>url</c> or <c>valueSet</c>, <c>filter</c>, <c>count</c>, <c>offset</c>.</summary>
public sealed class ValueSetExpandOperation(TerminologyService terminology, IResourceStore store, FhirSerializer serializer, TimeProvider time)
    : TerminologyOperationBase<ValueSet>(terminology, store, serializer)
{
    public override string Name => "expand";

    public override string Definition => "http://hl7.org/fhir/OperationDefinition/ValueSet-expand";

    protected override async Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var valueSet = await TargetAsync(request, "valueSet", "url", Terminology.FindValueSetAsync, cancellationToken)
            ?? throw FhirException.BadRequest("$expand needs a value set: an id, a 'url' or a 'valueSet' parameter.");
        var filter = OperationParameters.Text(request.Parameters, "filter");
        var offset = OperationParameters.NonNegative(request.Parameters, "offset") ?? 0;
        var count = OperationParameters.NonNegative(request.Parameters, "count");
        var codes = await Terminology.ExpandAsync(valueSet, cancellationToken);
        var matching = string.IsNullOrEmpty(filter)
            ? codes
            : [.. codes.Where(c => c.Code.Contains(filter, StringComparison.OrdinalIgnoreCase) || (c.Display?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false))];
        var page = matching.Skip(offset).Take(count ?? int.MaxValue);

        var result = (ValueSet)valueSet.DeepCopy();
        result.Compose = null;
        result.Text = null;
        result.Expansion = new ValueSet.ExpansionComponent
        {
            Identifier = "urn:uuid:" + Guid.NewGuid().ToString("D"),
            TimestampElement = new FhirDateTime(time.GetUtcNow()),
            Total = matching.Count,
            Offset = offset,
        };
        if (filter is not null)
        {
            result.Expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = "filter", Value = new FhirString(filter) });
        }

        if (count is not null)
        {
            result.Expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = "count", Value = new Integer(count) });
        }

        foreach (var code in page)
        {
            result.Expansion.Contains.Add(new ValueSet.ContainsComponent { System = code.System, Code = code.Code, Display = code.Display, Version = code.Version });
        }

        return result;
    }
}
