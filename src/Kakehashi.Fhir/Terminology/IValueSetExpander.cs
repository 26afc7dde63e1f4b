namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// What search asks of terminology: the codes of a stored ValueSet (<c>:in</c> / <c>:not-in</c>)
/// and of an is-a hierarchy (token <c>:below</c> / <c>:above</c>). Returns null when the value set
/// or code system is unknown (the caller answers 400), never an empty guess.
/// </summary>
public interface IValueSetExpander
{
    Task<IReadOnlyList<(string? System, string Code)>?> ExpandAsync(string valueSetUrl, CancellationToken cancellationToken);

    /// <summary>
    /// The code and the codes it subsumes (<paramref name="below"/>) or that subsume it, following
    /// the hierarchy of the stored code system (nested concepts or <c>parent</c> properties).
    /// Null when the code system is not known or carries no concepts.
    /// </summary>
    Task<IReadOnlyList<string>?> HierarchyAsync(string system, string code, bool below, CancellationToken cancellationToken);
}
