namespace Kakehashi.Fhir.Search;

/// <summary><c>_type</c> on a system-level search.</summary>
public sealed record ResourceTypeCondition(IReadOnlyList<string> Types) : SearchCondition;
