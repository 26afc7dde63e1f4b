using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Re-extracts the search index of stored resources with the current parameter registry — after
/// a SearchParameter was added — without creating versions. A job walks the resources in
/// (type, id) order in batches; each batch commits its index rows together with the position
/// reached, so a job interrupted by a restart resumes where it stopped (<see cref="ResumeAsync"/>).
/// </summary>
public sealed class ReindexJobs(SqlResourceStore store, SearchIndexer indexer, FhirSerializer serializer, TimeProvider time) : IAsyncDisposable
{
    private const int BatchSize = 200;
    private const string AllTypes = "*";

    private readonly ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private int disposed;

    private SqlDialect Dialect => store.Dialect;

    /// <summary>Creates a job over <paramref name="types"/> (null: every type) and starts it in the background.</summary>
    public async Task<ReindexJob> StartAsync(IReadOnlyList<string>? types, CancellationToken cancellationToken)
    {
        var scope = types is null || types.Count == 0 ? AllTypes : string.Join(",", types);
        var id = Guid.NewGuid().ToString("D");
        var now = Now();
        var total = await CountAsync(scope, cancellationToken);
        await ExecuteWriteAsync(
            "INSERT INTO reindex_jobs (id, scope, status, cursor_type, cursor_id, processed, total, started_at, updated_at, error) " +
            "VALUES (@p0, @p1, @p2, '', '', 0, @p3, @p4, @p4, NULL)",
            [id, scope, ReindexJob.Running, total, now],
            cancellationToken);
        Launch(id);
        return (await GetAsync(id, cancellationToken))!;
    }

    public async Task<ReindexJob?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("SELECT id, scope, status, processed, total, started_at, updated_at, error FROM reindex_jobs WHERE id = @p0");
        statement.Add(id);
        await using var connection = await Dialect.OpenConnectionAsync(cancellationToken);
        var rows = await new SqlCommandRunner(connection, null).QueryAsync(statement, ReadJob, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Restarts the jobs a previous process left running.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("SELECT id FROM reindex_jobs WHERE status = @p0");
        statement.Add(ReindexJob.Running);
        await using var connection = await Dialect.OpenConnectionAsync(cancellationToken);
        var ids = await new SqlCommandRunner(connection, null).QueryAsync(statement, r => r.GetString(0), cancellationToken);
        foreach (var id in ids)
        {
            Launch(id);
        }

        return ids.Count;
    }

    /// <summary>Waits for a job's background work in this process (tests, shutdown).</summary>
    public Task WaitAsync(string id) => running.TryGetValue(id, out var task) ? task : Task.CompletedTask;

    /// <summary>Reindexes one resource now; false when it does not exist or is deleted.</summary>
    public async Task<bool> ReindexOneAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement(SqlSearchRunner.SelectCurrent + "WHERE r.resource_type = @p0 AND r.id = @p1 AND r.is_deleted = 0");
        statement.Add(resourceType);
        statement.Add(id);
        List<StoredResource> rows;
        await using (var connection = await Dialect.OpenConnectionAsync(cancellationToken))
        {
            rows = await new SqlCommandRunner(connection, null).QueryResourcesAsync(statement, cancellationToken);
        }

        if (rows.Count == 0)
        {
            return false;
        }

        await WriteBatchAsync(rows, null, cancellationToken);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        try
        {
            await Task.WhenAll(running.Values);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose; the job stays "running" and resumes at the next start.
        }

        stopping.Dispose();
    }

    private void Launch(string id) =>
        running.GetOrAdd(id, key => Task.Run(() => RunAsync(key, stopping.Token)));

    private async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var (scope, cursorType, cursorId) = await PositionAsync(id, cancellationToken);
                var batch = await NextBatchAsync(scope, cursorType, cursorId, cancellationToken);
                if (batch.Count == 0)
                {
                    await ExecuteWriteAsync("UPDATE reindex_jobs SET status = @p1, updated_at = @p2 WHERE id = @p0", [id, ReindexJob.Completed, Now()], cancellationToken);
                    return;
                }

                await WriteBatchAsync(batch, id, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed job must record why instead of dying unobserved in the background.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await ExecuteWriteAsync("UPDATE reindex_jobs SET status = @p1, error = @p2, updated_at = @p3 WHERE id = @p0",
                [id, ReindexJob.Failed, e.Message, Now()], CancellationToken.None);
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private async Task<(string Scope, string CursorType, string CursorId)> PositionAsync(string id, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("SELECT scope, cursor_type, cursor_id FROM reindex_jobs WHERE id = @p0");
        statement.Add(id);
        await using var connection = await Dialect.OpenConnectionAsync(cancellationToken);
        var rows = await new SqlCommandRunner(connection, null).QueryAsync(statement, r => (r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken);
        return rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"Reindex job {id} vanished.");
    }

    private async Task<List<StoredResource>> NextBatchAsync(string scope, string cursorType, string cursorId, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("");
        var where = "r.is_deleted = 0 AND (r.resource_type > @p0 OR (r.resource_type = @p0 AND r.id > @p1))";
        statement.Add(cursorType);
        statement.Add(cursorId);
        if (scope != AllTypes)
        {
            where += " AND r.resource_type IN (" + string.Join(", ", scope.Split(',').Select(statement.Add)) + ")";
        }

        statement.Text = SqlSearchRunner.SelectCurrent + "WHERE " + where + " ORDER BY r.resource_type, r.id LIMIT " + BatchSize.ToString(CultureInfo.InvariantCulture);
        await using var connection = await Dialect.OpenConnectionAsync(cancellationToken);
        return await new SqlCommandRunner(connection, null).QueryResourcesAsync(statement, cancellationToken);
    }

    /// <summary>
    /// Extracts outside the write lock, then replaces the rows of each resource whose version is
    /// still the one read (a newer version was indexed by its own write) and records progress.
    /// </summary>
    private async Task WriteBatchAsync(List<StoredResource> batch, string? jobId, CancellationToken cancellationToken)
    {
        var indexes = batch.Select(stored => indexer.Extract(serializer.ParseJson(stored.Json))).ToList();
        await WithWriteTransactionAsync(async runner =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var stored = batch[i];
                var current = new SqlStatement("SELECT version_id FROM resources WHERE resource_type = @p0 AND id = @p1");
                current.Add(stored.ResourceType);
                current.Add(stored.Id);
                if (await runner.QueryScalarAsync(current, cancellationToken) == stored.VersionId)
                {
                    await SqlIndexRows.ReplaceAsync(runner, stored.ResourceType, stored.Id, indexes[i], cancellationToken);
                }
            }

            if (jobId is not null)
            {
                var last = batch[^1];
                var progress = new SqlStatement(
                    "UPDATE reindex_jobs SET cursor_type = @p1, cursor_id = @p2, processed = processed + @p3, updated_at = @p4 WHERE id = @p0");
                progress.Add(jobId);
                progress.Add(last.ResourceType);
                progress.Add(last.Id);
                progress.Add((long)batch.Count);
                progress.Add(Now());
                await runner.ExecuteAsync(progress, cancellationToken);
            }
        }, cancellationToken);
    }

    private async Task<long> CountAsync(string scope, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("");
        var where = "is_deleted = 0";
        if (scope != AllTypes)
        {
            where += " AND resource_type IN (" + string.Join(", ", scope.Split(',').Select(statement.Add)) + ")";
        }

        statement.Text = "SELECT COUNT(*) FROM resources WHERE " + where;
        await using var connection = await Dialect.OpenConnectionAsync(cancellationToken);
        return await new SqlCommandRunner(connection, null).QueryScalarAsync(statement, cancellationToken);
    }

    private Task ExecuteWriteAsync(string sql, object?[] values, CancellationToken cancellationToken) =>
        WithWriteTransactionAsync(async runner =>
        {
            var statement = new SqlStatement(sql);
            foreach (var value in values)
            {
                statement.Add(value);
            }

            await runner.ExecuteAsync(statement, cancellationToken);
        }, cancellationToken);

    private async Task WithWriteTransactionAsync(Func<SqlCommandRunner, Task> work, CancellationToken cancellationToken)
    {
        // A write unit like any interaction's: on SQLite it joins the group commit.
        await using var unit = await Dialect.BeginWriteUnitAsync(cancellationToken);
        await work(new SqlCommandRunner(unit.Connection, unit.Transaction));
        await unit.CommitAsync(cancellationToken);
    }

    private static ReindexJob ReadJob(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture),
        Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
        SqlTime.FromMicros(Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)),
        SqlTime.FromMicros(Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture)),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    private long Now() => SqlTime.ToMicros(time.GetUtcNow());

    /// <summary>Only for messages: a job that cannot be found.</summary>
    internal static FhirException UnknownJob(string id) => FhirException.NotFound($"No reindex job '{id}'.");
}
