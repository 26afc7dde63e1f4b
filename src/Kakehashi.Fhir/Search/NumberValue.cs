namespace Kakehashi.Fhir.Search;

/// <summary>
/// A number as searched: <paramref name="Low"/>..<paramref name="High"/> is the range its
/// significant digits imply ("100" is 99.5..100.5), used by <c>eq</c>, <c>ne</c> and <c>ap</c>.
/// </summary>
public sealed record NumberValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High);
