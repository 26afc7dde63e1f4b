namespace Kakehashi.Fhir.Search;

/// <summary>A date parameter (or <c>_lastUpdated</c>, answered from <c>resources.last_updated</c>).</summary>
public sealed record DateCondition(string Param, IReadOnlyList<DateValue> Values) : SearchCondition;
