using System.Data.Common;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The database side of one <see cref="IResourceTransaction"/>: the connection and transaction
/// its statements run in, and how it commits. A dialect may share one database transaction
/// among several units (group commit); to the unit it looks the same.
/// </summary>
public abstract class SqlWriteUnit : IAsyncDisposable
{
    public abstract DbConnection Connection { get; }

    public abstract DbTransaction Transaction { get; }

    /// <summary>Completes when the unit's writes are durable (or throws if they never will be).</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Rolls back unless committed.</summary>
    public abstract ValueTask DisposeAsync();
}
