namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Runs statements on the connection (and transaction, if any) that the caller holds, so that
/// search inside a write transaction sees that transaction's own writes.
/// </summary>
public interface ISqlExecutor
{
    /// <summary>
    /// Runs a statement whose columns are, in order: resource_type, id, version_id,
    /// last_updated (µs since epoch), is_deleted, data.
    /// </summary>
    Task<List<StoredResource>> QueryResourcesAsync(SqlStatement statement, CancellationToken cancellationToken);

    Task<long> QueryScalarAsync(SqlStatement statement, CancellationToken cancellationToken);
}
