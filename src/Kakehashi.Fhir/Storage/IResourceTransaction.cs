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
}
