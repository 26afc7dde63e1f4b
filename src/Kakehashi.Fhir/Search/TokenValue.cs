namespace Kakehashi.Fhir.Search;

/// <summary>
/// One token value: <c>code</c> (any system), <c>system|code</c>, <c>|code</c> (no system:
/// <paramref name="SystemMustBeAbsent"/>) or <c>system|</c> (any code: <paramref name="Code"/> null).
/// </summary>
public sealed record TokenValue(string? System, string? Code, bool SystemMustBeAbsent = false);
