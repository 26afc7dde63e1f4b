namespace Kakehashi.Fhir.Search;

/// <summary>One criterion of a search; each kind is translated to SQL by <c>SqlConditionBuilder</c>.</summary>
public abstract record SearchCondition;

/// <summary><c>_id</c>: matches any of the ids.</summary>
public sealed record IdCondition(IReadOnlyList<string> Ids) : SearchCondition;
