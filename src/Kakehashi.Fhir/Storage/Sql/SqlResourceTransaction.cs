using System.Data.Common;
using System.Text;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage.Sql;

internal sealed class SqlResourceTransaction(SqlDialect dialect, SqlWriteUnit unit) : IResourceTransaction, ISqlTransaction
{
    // Keeps each multi-row INSERT well under SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerInsert = 200;

    private static readonly string[] IndexTables =
        ["idx_string", "idx_token", "idx_reference", "idx_date", "idx_number", "idx_quantity", "idx_uri"];

    private readonly SqlCommandRunner runner = new(unit.Connection, unit.Transaction);

    public SqlDialect Dialect => dialect;

    public DbConnection Connection => unit.Connection;

    public DbTransaction Transaction => unit.Transaction;

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken) =>
        SqlResourceStore.ReadLatestAsync(runner, resourceType, id, cancellationToken);

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken) =>
        SqlSearchRunner.RunAsync(query, runner, cancellationToken);

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
                foreach (var table in IndexTables)
                {
                    var delete = new SqlStatement("DELETE FROM " + table + " WHERE resource_type = @p0 AND id = @p1");
                    delete.Add(write.ResourceType);
                    delete.Add(write.Id);
                    await runner.ExecuteAsync(delete, cancellationToken);
                }
            }

            if (!write.IsDeleted)
            {
                await InsertIndexAsync(write, cancellationToken);
            }
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            throw FhirException.Conflict($"{write.ResourceType}/{write.Id} was changed by another request; version {write.VersionId} already exists.");
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken) => unit.CommitAsync(cancellationToken);

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

    private async Task InsertIndexAsync(ResourceWrite write, CancellationToken cancellationToken)
    {
        var index = write.Index;
        await InsertRowsAsync("idx_string (resource_type, id, param, value_norm, value_exact)", write, index.Strings,
            e => [e.Param, e.Normalized, e.Exact], cancellationToken);
        await InsertRowsAsync("idx_token (resource_type, id, param, system, code, text_norm)", write, index.Tokens,
            e => [e.Param, e.System, e.Code, e.TextNormalized], cancellationToken);
        await InsertRowsAsync("idx_reference (resource_type, id, param, target_type, target_id, target_url)", write, index.References,
            e => [e.Param, e.TargetType, e.TargetId, e.Url], cancellationToken);
        await InsertRowsAsync("idx_date (resource_type, id, param, start_us, end_us)", write, index.Dates,
            e => [e.Param, e.Start, e.End], cancellationToken);
        await InsertRowsAsync("idx_number (resource_type, id, param, low, high)", write, index.Numbers,
            e => [e.Param, (double)e.Low, (double)e.High], cancellationToken);
        await InsertRowsAsync("idx_quantity (resource_type, id, param, system, code, low, high)", write, index.Quantities,
            e => [e.Param, e.System, e.Code, (double)e.Low, (double)e.High], cancellationToken);
        await InsertRowsAsync("idx_uri (resource_type, id, param, value)", write, index.Uris,
            e => [e.Param, e.Value], cancellationToken);
    }

    private async Task InsertRowsAsync<T>(string tableAndColumns, ResourceWrite write, List<T> entries, Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        for (var start = 0; start < entries.Count; start += RowsPerInsert)
        {
            var statement = new SqlStatement("");
            var text = new StringBuilder("INSERT INTO ").Append(tableAndColumns).Append(" VALUES ");
            var typeParam = statement.Add(write.ResourceType);
            var idParam = statement.Add(write.Id);
            var end = Math.Min(entries.Count, start + RowsPerInsert);
            for (var i = start; i < end; i++)
            {
                text.Append(i == start ? "(" : ", (").Append(typeParam).Append(", ").Append(idParam);
                foreach (var value in values(entries[i]))
                {
                    text.Append(", ").Append(statement.Add(value));
                }

                text.Append(')');
            }

            statement.Text = text.ToString();
            await runner.ExecuteAsync(statement, cancellationToken);
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
