namespace Kakehashi.Fhir.Search;

/// <summary>
/// A row of <c>resources</c> that conditions apply to: its SQL alias and, when known, the types it
/// can have (so that index lookups can name the type and use the index's leading column).
/// </summary>
internal sealed record SqlOwner(string Alias, IReadOnlyList<string>? Types);
