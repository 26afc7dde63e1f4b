namespace Kakehashi.Fhir.Search;

/// <summary>A token parameter. With <paramref name="MatchText"/> (<c>:text</c>) each value's Code is normalized text.</summary>
public sealed record TokenCondition(string Param, IReadOnlyList<TokenValue> Values, bool MatchText = false) : SearchCondition;
