namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// Expands a stored ValueSet to its codes, for search <c>:in</c> / <c>:not-in</c>. Returns null
/// when the value set is unknown (the caller answers 404/400), never an empty guess.
/// </summary>
public interface IValueSetExpander
{
    Task<IReadOnlyList<(string? System, string Code)>?> ExpandAsync(string valueSetUrl, CancellationToken cancellationToken);
}
