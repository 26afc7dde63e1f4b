using System.Data.Common;
using System.Text;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// One database transaction of the store. It tells the write observers of every version it
/// writes itself, inside the transaction: an index kept beside the resources (consent grants,
/// qualifications, the search-parameter registry) is maintained whoever wraps the store.
/// </summary>
internal sealed class SqlResourceTransaction(SqlDialect dialect, SqlWriteUnit unit, IReadOnlyList<IResourceWriteObserver> observers) : IResourceTransaction, ISqlTransaction
{
    private readonly SqlCommandRunner runner = new(unit.Connection, unit.Transaction);
    private readonly List<Action> committed = [];

    public SqlDialect Dialect => dialect;

    public DbConnection Connection => unit.Connection;

    public DbTransaction Transaction => unit.Transaction;

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken) =>
        SqlResourceStore.ReadLatestAsync(runner, resourceType, id, cancellationToken);

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken) =>
        SqlSearchRunner.RunAsync(query, runner, cancellationToken, dialect.PlansSearchDrivers);

    public async Task LockAsync(string key, CancellationToken cancellationToken)
    {
        if (dialect.TransactionLockSql is not { } sql)
        {
            return;
        }

        var statement = new SqlStatement(sql);
        statement.Add(StableHash(key));
        await runner.QueryScalarAsync(statement, cancellationToken);
    }

    public async Task WriteAsync(ResourceWrite write, CancellationToken cancellationToken)
    {
        try
        {
            await WritePointerAsync(write, cancellationToken);
            var version = new SqlStatement(
                "INSERT INTO resource_versions (resource_type, id, version_id, last_updated, is_deleted, method, shard_key, data) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)");
            version.Add(write.ResourceType);
            version.Add(write.Id);
            version.Add(write.VersionId);
            version.Add(SqlTime.ToMicros(write.LastUpdated));
            version.Add(write.IsDeleted ? 1 : 0);
            version.Add(write.Method);
            version.Add(write.ShardKey);
            version.Add(write.Json);
            await runner.ExecuteAsync(version, cancellationToken);

            if (write.VersionId > 1)
            {
                await SqlIndexRows.DeleteAsync(runner, write.ResourceType, write.Id, cancellationToken);
            }

            if (!write.IsDeleted)
            {
                await SqlIndexRows.InsertAsync(runner, write.ResourceType, write.Id, write.Index, cancellationToken);
            }
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            throw FhirException.Conflict($"{write.ResourceType}/{write.Id} was changed by another request; version {write.VersionId} already exists.");
        }

        foreach (var observer in observers)
        {
            await observer.OnWrittenAsync(write, this, cancellationToken);
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await unit.CommitAsync(cancellationToken);
        foreach (var action in committed)
        {
            action();
        }

        committed.Clear();
    }

    public void OnCommitted(Action action) => committed.Add(action);

    public ValueTask DisposeAsync() => unit.DisposeAsync();

    private async Task WritePointerAsync(ResourceWrite write, CancellationToken cancellationToken)
    {
        SqlStatement pointer;
        if (write.VersionId == 1)
        {
            pointer = new SqlStatement(
                "INSERT INTO resources (resource_type, id, version_id, last_updated, is_deleted, shard_key) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)");
        }
        else
        {
            // Optimistic concurrency: the update only applies on top of the version the caller read.
            pointer = new SqlStatement(
                "UPDATE resources SET version_id = @p2, last_updated = @p3, is_deleted = @p4, shard_key = @p5 " +
                "WHERE resource_type = @p0 AND id = @p1 AND version_id = @p6");
        }

        pointer.Add(write.ResourceType);
        pointer.Add(write.Id);
        pointer.Add(write.VersionId);
        pointer.Add(SqlTime.ToMicros(write.LastUpdated));
        pointer.Add(write.IsDeleted ? 1 : 0);
        pointer.Add(write.ShardKey);
        if (write.VersionId > 1)
        {
            pointer.Add(write.VersionId - 1);
        }

        if (await runner.ExecuteAsync(pointer, cancellationToken) != 1)
        {
            throw FhirException.Conflict($"{write.ResourceType}/{write.Id} was changed by another request; retry with the current version.");
        }
    }

    /// <summary>FNV-1a: stable across processes and runtimes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static long StableHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
