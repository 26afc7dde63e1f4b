using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage;

/// <summary>
/// A unit of work. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public interface IResourceTransaction : IAsyncDisposable
{
    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken);

    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Serializes this transaction against any other holding the same key until commit or
    /// rollback, so that conditional interactions racing on the same criteria see each other.
    /// </summary>
    Task LockAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a version. Throws a 409 <see cref="Errors.FhirException"/> when another writer
    /// has already written that version (optimistic concurrency): nothing is ever overwritten.
    /// </summary>
    Task WriteAsync(ResourceWrite write, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> after this transaction has committed, and never if it rolls
    /// back: for in-memory state that must follow what is stored (such as the search-parameter
    /// registry). Actions run in the order registered and must not throw.
    /// </summary>
    void OnCommitted(Action action);
}
