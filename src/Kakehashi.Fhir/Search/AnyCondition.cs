namespace Kakehashi.Fhir.Search;

/// <summary>Matches when any of <paramref name="Alternatives"/> does (an OR of whole conditions).</summary>
public sealed record AnyCondition(IReadOnlyList<SearchCondition> Alternatives) : SearchCondition;
