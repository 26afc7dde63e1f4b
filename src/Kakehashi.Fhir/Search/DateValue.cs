namespace Kakehashi.Fhir.Search;

/// <summary>A date search value: its prefix and the inclusive µs range its precision covers.</summary>
public sealed record DateValue(SearchPrefix Prefix, long Start, long End);
