using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary><c>CodeSystem/$validate-code</c>: is the code defined by the code system (and is the display right)?</summary>
public sealed class CodeSystemValidateCodeOperation(TerminologyService terminology, IResourceStore store, FhirSerializer serializer)
    : TerminologyOperationBase<CodeSystem>(terminology, store, serializer)
{
    public override string Name => "validate-code";

    public override string Definition => "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code";

    protected override async Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var coding = OperationParameters.Value<CodeableConcept>(request.Parameters, "codeableConcept")?.Coding.FirstOrDefault()
            ?? OperationParameters.Coding(request.Parameters)
            ?? throw FhirException.BadRequest("$validate-code needs 'code', 'coding' or 'codeableConcept'.");
        var url = OperationParameters.Text(request.Parameters, "url") ?? coding.System;
        var codeSystem = await TargetAsync(request, "codeSystem", "url", Terminology.FindCodeSystemAsync, cancellationToken)
            ?? (url is null ? null : await Terminology.FindCodeSystemAsync(url, cancellationToken))
            ?? throw (url is null
                ? FhirException.BadRequest("$validate-code needs a code system: an id, a 'url' or a coding with a system.")
                : FhirException.NotFound($"The code system '{url}' is not known to this server."));
        var flat = FlatCodeSystem.For(codeSystem);
        if (!flat.HasContent)
        {
            throw FhirException.Unprocessable($"The code system '{codeSystem.Url}' is known, but its content is not available on this server.");
        }

        var concept = flat.Find(coding.Code ?? "");
        var output = new Parameters();
        if (concept is null)
        {
            output.Add("result", new FhirBoolean(false));
            output.Add("message", new FhirString($"'{coding.Code}' is not a code of '{codeSystem.Url}'."));
            return output;
        }

        var displayOk = coding.Display is null || coding.Display == concept.Display || concept.Designation.Any(d => d.Value == coding.Display);
        output.Add("result", new FhirBoolean(displayOk));
        if (concept.Display is not null)
        {
            output.Add("display", new FhirString(concept.Display));
        }

        if (!displayOk)
        {
            output.Add("message", new FhirString($"The display '{coding.Display}' is not a display of '{coding.Code}' ('{concept.Display}')."));
        }

        return output;
    }
}
