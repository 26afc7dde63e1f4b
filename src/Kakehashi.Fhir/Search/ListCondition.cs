namespace Kakehashi.Fhir.Search;

/// <summary><c>_list</c>: the resource is an item of one of the Lists (through the List's <c>item</c> reference index).</summary>
public sealed record ListCondition(IReadOnlyList<string> ListIds) : SearchCondition;
