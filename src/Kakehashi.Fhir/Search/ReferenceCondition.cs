namespace Kakehashi.Fhir.Search;

/// <summary>A reference parameter pointing at any of the values.</summary>
public sealed record ReferenceCondition(string Param, IReadOnlyList<ReferenceValue> Values) : SearchCondition;
