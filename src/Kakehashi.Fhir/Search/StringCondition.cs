namespace Kakehashi.Fhir.Search;

/// <summary>A string parameter; <paramref name="Values"/> are normalized unless the match is exact.</summary>
public sealed record StringCondition(string Param, StringMatch Match, IReadOnlyList<string> Values) : SearchCondition;
