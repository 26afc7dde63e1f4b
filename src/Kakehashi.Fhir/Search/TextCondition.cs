namespace Kakehashi.Fhir.Search;

/// <summary>
/// <c>_text</c> / <c>_content</c>: any of the <paramref name="Alternatives"/> (comma-separated
/// values), each a list of folded words that must all occur in the indexed text.
/// </summary>
public sealed record TextCondition(string Param, IReadOnlyList<IReadOnlyList<string>> Alternatives) : SearchCondition;
