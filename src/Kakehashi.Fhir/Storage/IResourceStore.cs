using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage;

/// <summary>
/// Durable, versioned resource storage. Every version is kept; reads never block writers.
/// Implementations must behave identically (one contract suite runs on each).
/// </summary>
public interface IResourceStore
{
    /// <summary>The latest version, which may be a deletion tombstone; null when the id never existed.</summary>
    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken);

    Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken);

    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken);

    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>Starts a write transaction; everything written in it commits or rolls back together.</summary>
    Task<IResourceTransaction> BeginTransactionAsync(CancellationToken cancellationToken);
}
