namespace Kakehashi.Fhir.Search;

public sealed record UriCondition(string Param, UriMatch Match, IReadOnlyList<string> Values) : SearchCondition;
