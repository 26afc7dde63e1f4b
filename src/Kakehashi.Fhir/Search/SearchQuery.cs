namespace Kakehashi.Fhir.Search;

/// <summary>
/// A parsed, validated search, independent of any SQL dialect. Conditions are ANDed; an
/// individual condition may itself be an OR of values.
/// </summary>
public sealed record SearchQuery(
    string? ResourceType,
    IReadOnlyList<SearchCondition> Conditions,
    int Count,
    int Offset)
{
    public const int DefaultCount = 20;

    public const int MaxCount = 1000;

    /// <summary>
    /// The default bound on the values of one search, all parameters together: each becomes SQL
    /// parameters and terms, and SQLite refuses a statement of more than 32,766 variables.
    /// </summary>
    public const int DefaultMaxValues = 1000;

    /// <summary>Sort keys in order; empty means by last update, then id.</summary>
    public IReadOnlyList<SortKey> Sort { get; init; } = [];

    public SearchTotalMode Total { get; init; } = SearchTotalMode.None;

    public IReadOnlyList<IncludeSpec> Includes { get; init; } = [];

    public IReadOnlyList<IncludeSpec> RevIncludes { get; init; } = [];

    /// <summary><c>_summary</c> as given (applied when rendering, not by the search).</summary>
    public string? Summary { get; init; }

    /// <summary><c>_elements</c> as given (applied when rendering, not by the search).</summary>
    public IReadOnlyList<string> Elements { get; init; } = [];

    /// <summary>Parameters skipped in lenient mode, to be reported back to the client.</summary>
    public IReadOnlyList<string> IgnoredParameters { get; init; } = [];

    /// <summary>The signed paging cursor (<c>_cursor</c>) as received, not yet verified.</summary>
    public string? Cursor { get; init; }

    /// <summary><c>_contained</c>: whether resources contained in others are searched.</summary>
    public ContainedMode Contained { get; init; } = ContainedMode.Off;

    /// <summary><c>_containedType=contained</c>: a contained match is returned itself, not its container.</summary>
    public bool ReturnContained { get; init; }

    /// <summary>Who may see what: restricts matches, includes and counts before the query runs (see <see cref="Security.AccessRestriction"/>).</summary>
    public Security.AccessRestriction? Restriction { get; init; }

    public static SearchQuery ById(string resourceType, string id) =>
        new(resourceType, [new IdCondition([id])], 2, 0);
}
