namespace Kakehashi.Fhir.Search;

public sealed record QuantityCondition(string Param, IReadOnlyList<QuantityValue> Values) : SearchCondition;
