using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// One search parameter as the engine needs it. <paramref name="ResourceType"/> is
/// <c>Resource</c> for parameters that apply to every type; <paramref name="Targets"/> is empty
/// when a reference parameter may point anywhere.
/// </summary>
public sealed record SearchParameterDefinition(
    string ResourceType,
    string Code,
    SearchParamType Type,
    string? Expression,
    IReadOnlyList<string> Targets,
    string? Url = null,
    IReadOnlyList<CompositeComponent>? Components = null)
{
    /// <summary>Parameters answered from columns of <c>resources</c>, never from the index tables.</summary>
    public bool IsColumnBacked => Code is KnownSearchParameters.Id or KnownSearchParameters.LastUpdated;
}
