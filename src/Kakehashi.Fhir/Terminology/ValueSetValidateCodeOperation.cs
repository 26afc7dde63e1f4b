using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary><c>ValueSet/$validate-code</c>: is a code (<c>code</c>+<c>system</c>, <c>coding</c> or <c>codeableConcept</c>) in the value set?</summary>
public sealed class ValueSetValidateCodeOperation(TerminologyService terminology, IResourceStore store, FhirSerializer serializer)
    : TerminologyOperationBase<ValueSet>(terminology, store, serializer)
{
    public override string Name => "validate-code";

    public override string Definition => "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code";

    protected override async Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var valueSet = await TargetAsync(request, "valueSet", "url", Terminology.FindValueSetAsync, cancellationToken)
            ?? throw FhirException.BadRequest("$validate-code needs a value set: an id, a 'url' or a 'valueSet' parameter.");
        List<Coding> codings = OperationParameters.Value<CodeableConcept>(request.Parameters, "codeableConcept") is { } concept
            ? [.. concept.Coding]
            : OperationParameters.Coding(request.Parameters) is { } coding ? [coding] : [];
        if (codings.Count == 0)
        {
            throw FhirException.BadRequest("$validate-code needs 'code' (with 'system'), 'coding' or 'codeableConcept'.");
        }

        var (result, message) = await Terminology.ValidateCodingsAsync(valueSet, codings, cancellationToken);
        var output = new Parameters();
        if (result is null)
        {
            // Membership depends on a code system the server does not hold: say so rather than guess.
            throw FhirException.Unprocessable(message);
        }

        output.Add("result", new FhirBoolean(result));
        if (message is not null)
        {
            output.Add("message", new FhirString(message));
        }

        if (result == true && codings.Count == 1 && codings[0].System is { } system)
        {
            var (codeSystem, found) = await TryLookupAsync(system, codings[0].Code, cancellationToken);
            if (found?.Display is { } display)
            {
                output.Add("display", new FhirString(display));
                if (codings[0].Display is { } given && given != display && !found.Designation.Any(d => d.Value == given))
                {
                    output.Parameter.Single(p => p.Name == "result").Value = new FhirBoolean(false);
                    output.Add("message", new FhirString($"The display '{given}' is not a display of {TerminologyService.Describe(codings[0])} in '{codeSystem!.Url}' ('{display}')."));
                }
            }
        }

        return output;
    }

    private async Task<(CodeSystem?, CodeSystem.ConceptDefinitionComponent?)> TryLookupAsync(string system, string? code, CancellationToken cancellationToken)
    {
        try
        {
            return await Terminology.LookupAsync(system, code ?? "", cancellationToken);
        }
        catch (TerminologyException)
        {
            return (null, null);
        }
    }
}
