using System.Globalization;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The resource store for every SQL database Kakehashi supports. Dialect differences are
/// confined to <see cref="SqlDialect"/>; the statements here are portable SQL. Its transactions
/// call the <paramref name="observers"/> of every write.
/// </summary>
public sealed class SqlResourceStore(SqlDialect dialect, IEnumerable<IResourceWriteObserver> observers) : IResourceStore
{
    private readonly IResourceWriteObserver[] observers = [.. observers];

    internal const string LatestVersionSql =
        "SELECT " + SqlCommandRunner.ResourceColumns + " FROM resource_versions v " +
        "WHERE v.resource_type = @p0 AND v.id = @p1 ORDER BY v.version_id DESC LIMIT 1";

    public SqlDialect Dialect => dialect;

    /// <summary>Migrates the engine's schema, then each module's in the order given.</summary>
    public Task<IReadOnlyList<string>> MigrateAsync(IReadOnlyList<SchemaModule> modules, CancellationToken cancellationToken) =>
        SqlMigrator.MigrateAsync(dialect, modules, cancellationToken);

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        return await ReadLatestAsync(new SqlCommandRunner(connection, null), resourceType, id, cancellationToken);
    }

    public async Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement(
            "SELECT " + SqlCommandRunner.ResourceColumns + " FROM resource_versions v " +
            "WHERE v.resource_type = @p0 AND v.id = @p1 AND v.version_id = @p2");
        statement.Add(resourceType);
        statement.Add(id);
        statement.Add(versionId);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        var rows = await new SqlCommandRunner(connection, null).QueryResourcesAsync(statement, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("");
        var where = new List<string>();
        if (query.ResourceType is not null)
        {
            where.Add("v.resource_type = " + statement.Add(query.ResourceType));
        }

        if (query.Id is not null)
        {
            where.Add("v.id = " + statement.Add(query.Id));
        }

        if (query.Since is { } since)
        {
            where.Add("v.last_updated >= " + statement.Add(SqlTime.ToMicros(since)));
        }

        if (query.At is { } at)
        {
            // Only the version that was current at the instant: written at or before it, and
            // not superseded by another version written at or before it.
            var atParam = statement.Add(SqlTime.ToMicros(at));
            where.Add("v.last_updated <= " + atParam);
            where.Add("NOT EXISTS (SELECT 1 FROM resource_versions n WHERE n.resource_type = v.resource_type " +
                      "AND n.id = v.id AND n.version_id > v.version_id AND n.last_updated <= " + atParam + ")");
        }

        if (query.BeforeSequence is { } before)
        {
            where.Add("v.seq < " + statement.Add(before));
        }

        if (SqlAccessPredicate.Visible(query.Restriction, statement, "v") is { } visible)
        {
            where.Add(visible);
        }

        statement.Text = "SELECT v.seq, v.method, " + SqlCommandRunner.ResourceColumns + " FROM resource_versions v" +
                         (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                         " ORDER BY v.seq DESC LIMIT " + (query.Count + 1).ToString(CultureInfo.InvariantCulture);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        var rows = await new SqlCommandRunner(connection, null).QueryAsync(
            statement,
            reader => new HistoryEntry(
                SqlCommandRunner.ReadResource(reader, 2),
                reader.GetString(1),
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)),
            cancellationToken);
        long? next = null;
        if (rows.Count > query.Count)
        {
            rows.RemoveAt(rows.Count - 1);
            next = rows[^1].Sequence;
        }

        return new HistoryPage(rows, next);
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        return await SqlSearchRunner.RunAsync(query, new SqlCommandRunner(connection, null), cancellationToken, dialect.PlansSearchDrivers);
    }

    public async Task<IResourceTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        new SqlResourceTransaction(dialect, await dialect.BeginWriteUnitAsync(cancellationToken), observers);

    internal static async Task<StoredResource?> ReadLatestAsync(SqlCommandRunner runner, string resourceType, string id, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement(LatestVersionSql);
        statement.Add(resourceType);
        statement.Add(id);
        var rows = await runner.QueryResourcesAsync(statement, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }
}
