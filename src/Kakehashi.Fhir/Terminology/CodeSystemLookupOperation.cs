using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary><c>CodeSystem/$lookup</c>: the name, display, designations and properties of a code.</summary>
public sealed class CodeSystemLookupOperation(TerminologyService terminology, IResourceStore store, FhirSerializer serializer)
    : TerminologyOperationBase<CodeSystem>(terminology, store, serializer)
{
    public override string Name => "lookup";

    public override string Definition => "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup";

    protected override async Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var coding = OperationParameters.Coding(request.Parameters)
            ?? throw FhirException.BadRequest("$lookup needs 'code' and 'system', or 'coding'.");
        CodeSystem codeSystem;
        if (request.Id is not null)
        {
            codeSystem = (await TargetAsync(request, "codeSystem", "url", Terminology.FindCodeSystemAsync, cancellationToken))!;
        }
        else
        {
            var system = coding.System ?? throw FhirException.BadRequest("$lookup needs the 'system' of the code.", "system");
            (codeSystem, _) = await Terminology.LookupAsync(system, "", cancellationToken);
        }

        var flat = FlatCodeSystem.For(codeSystem);
        if (!flat.HasContent)
        {
            throw FhirException.Unprocessable($"The code system '{codeSystem.Url}' is known, but its content is not available on this server.");
        }

        var concept = flat.Find(coding.Code ?? "")
            ?? throw FhirException.NotFound($"'{coding.Code}' is not a code of '{codeSystem.Url}'.");
        var output = new Parameters();
        output.Add("name", new FhirString(codeSystem.Name ?? codeSystem.Title ?? codeSystem.Url));
        if (codeSystem.Version is not null)
        {
            output.Add("version", new FhirString(codeSystem.Version));
        }

        output.Add("display", new FhirString(concept.Display ?? concept.Code));
        if (concept.Definition is not null)
        {
            output.Add("definition", new FhirString(concept.Definition));
        }

        foreach (var designation in concept.Designation)
        {
            var parts = new List<(string, DataType)>();
            if (designation.Language is not null)
            {
                parts.Add(("language", new Code(designation.Language)));
            }

            if (designation.Use is not null)
            {
                parts.Add(("use", designation.Use));
            }

            parts.Add(("value", new FhirString(designation.Value)));
            OperationParameters.AddParts(output, "designation", [.. parts]);
        }

        foreach (var parent in flat.Parents(concept.Code!))
        {
            OperationParameters.AddParts(output, "property", ("code", new Code("parent")), ("value", new Code(parent)));
        }

        foreach (var child in flat.Children(concept.Code!))
        {
            OperationParameters.AddParts(output, "property", ("code", new Code("child")), ("value", new Code(child)));
        }

        foreach (var property in concept.Property.Where(p => p.Code != "parent"))
        {
            OperationParameters.AddParts(output, "property", ("code", new Code(property.Code)), ("value", property.Value));
        }

        return output;
    }
}
