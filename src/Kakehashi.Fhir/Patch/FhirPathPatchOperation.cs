using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Patch;

/// <summary>
/// One validated FHIRPath Patch operation (a <c>Parameters.parameter</c> named <c>operation</c>).
/// <see cref="Number"/> is its position in the patch, used in error messages.
/// </summary>
internal sealed record FhirPathPatchOperation(
    int Number,
    string Type,
    string Path,
    string? Name,
    Parameters.ParameterComponent? Value,
    int? Index,
    int? Source,
    int? Destination)
{
    public string Location => $"Parameters.parameter[{Number}]";
}
