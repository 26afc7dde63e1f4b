namespace Kakehashi.Fhir.Search;

public sealed record NumberCondition(string Param, IReadOnlyList<NumberValue> Values) : SearchCondition;
