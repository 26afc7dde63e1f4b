namespace Kakehashi.Fhir.Search;

/// <summary>A local target (<paramref name="Type"/> may be null for a bare id) or an absolute/canonical <paramref name="Url"/>.</summary>
public sealed record ReferenceValue(string? Type, string? Id, string? Url);
