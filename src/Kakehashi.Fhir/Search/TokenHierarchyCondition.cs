namespace Kakehashi.Fhir.Search;

/// <summary>
/// Token <c>:below</c> (<paramref name="Below"/>) / <c>:above</c>: the coded value is one of the
/// <paramref name="Values"/> or subsumed by it (below) / subsumes it (above) in the is-a
/// hierarchy of its stored code system. Resolved into a <see cref="TokenCondition"/> by
/// <see cref="ValueSetConditionResolver"/> before SQL is generated.
/// </summary>
public sealed record TokenHierarchyCondition(string Param, IReadOnlyList<TokenValue> Values, bool Below) : SearchCondition;
