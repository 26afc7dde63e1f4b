namespace Kakehashi.Fhir.Search;

/// <summary>
/// A composite parameter (<c>code-value-quantity=http://loinc.org|8480-6$gt140</c>): any of the
/// <paramref name="Alternatives"/>, each a list of component conditions that must all hold for
/// the same element (the same Observation.component). Component conditions name their
/// parameter as <see cref="CompositeNames.Component"/>.
/// </summary>
public sealed record CompositeCondition(string Param, IReadOnlyList<IReadOnlyList<SearchCondition>> Alternatives) : SearchCondition;
