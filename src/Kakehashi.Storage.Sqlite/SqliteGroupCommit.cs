using System.Data.Common;
using Kakehashi.Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Kakehashi.Storage.Sqlite;

/// <summary>
/// Group commit for SQLite's single writer. Write units run one at a time on one connection,
/// each inside a savepoint of a shared database transaction; the transaction commits when no
/// further unit is waiting (or the group is full), and only then do the units' commits
/// complete. A commit — and its fsync — is thus paid once per burst instead of once per
/// request, while each unit still rolls back alone (to its savepoint) when it fails.
/// </summary>
internal sealed class SqliteGroupCommit(Func<SqliteConnection> openConnection) : IDisposable
{
    private const string Savepoint = "unit";
    private const int MaxGroup = 256;
    private const int CommitsBetweenOptimize = 200;
    private static readonly TimeSpan TimeBetweenOptimize = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly List<TaskCompletionSource> pending = [];
    private SqliteConnection? connection;
    private SqliteTransaction? group;
    private int waiting;
    private int commitsSinceOptimize;
    private long lastOptimize = Environment.TickCount64;

    public async Task<SqlWriteUnit> BeginAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref waiting);
            // The unit that deferred its commit counted on us; make sure the group still commits.
            await gate.WaitAsync(CancellationToken.None);
            CommitIfIdle(force: false);
            gate.Release();
            throw;
        }

        Interlocked.Decrement(ref waiting);
        try
        {
            connection ??= openConnection();
            group ??= connection.BeginTransaction(deferred: false);
            group.Save(Savepoint);
            return new Unit(this, connection, group);
        }
        catch (Exception e)
        {
            FailGroup(e);
            gate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        group?.Dispose();
        connection?.Dispose();
        gate.Dispose();
    }

    /// <summary>Ends the current unit (holding the gate) and returns when its outcome is final.</summary>
    private Task EndUnit(bool commit)
    {
        Task outcome = Task.CompletedTask;
        try
        {
            if (commit)
            {
                group!.Release(Savepoint);
                var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                pending.Add(completion);
                outcome = completion.Task;
            }
            else
            {
                group!.Rollback(Savepoint);
                group.Release(Savepoint);
            }

            CommitIfIdle(force: pending.Count >= MaxGroup);
        }
        catch (Exception e)
        {
            FailGroup(e);
            outcome = Task.FromException(e);
        }
        finally
        {
            gate.Release();
        }

        return outcome;
    }

    private void CommitIfIdle(bool force)
    {
        if (group is null || (!force && Volatile.Read(ref waiting) > 0))
        {
            return;
        }

        var completions = pending.ToArray();
        pending.Clear();
        var committing = group;
        group = null;
        try
        {
            committing.Commit();
        }
        catch (Exception e)
        {
            foreach (var completion in completions)
            {
                completion.TrySetException(e);
            }

            DropConnection();
            return;
        }
        finally
        {
            committing.Dispose();
        }

        foreach (var completion in completions)
        {
            completion.TrySetResult();
        }

        // A bulk import is few, large commits: time matters as much as their number.
        if (++commitsSinceOptimize >= CommitsBetweenOptimize || Environment.TickCount64 - lastOptimize > TimeBetweenOptimize.TotalMilliseconds)
        {
            commitsSinceOptimize = 0;
            lastOptimize = Environment.TickCount64;
            Optimize();
        }
    }

    /// <summary>Refreshes planner statistics of tables that changed a lot (bounded work; see SqliteDialect).</summary>
    private void Optimize()
    {
        try
        {
            using var command = connection!.CreateCommand();
            command.CommandText = SqliteDialect.OptimizeSql;
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Statistics are an optimisation; the next round tries again.
        }
    }

    /// <summary>Something broke the shared transaction: every unit in it fails, nothing is committed.</summary>
    private void FailGroup(Exception error)
    {
        foreach (var completion in pending)
        {
            completion.TrySetException(error);
        }

        pending.Clear();
        try
        {
            group?.Rollback();
        }
        catch (SqliteException)
        {
            // Already rolled back by SQLite itself.
        }

        group?.Dispose();
        group = null;
        DropConnection();
    }

    private void DropConnection()
    {
        connection?.Dispose();
        connection = null;
    }

    private sealed class Unit(SqliteGroupCommit owner, SqliteConnection connection, SqliteTransaction transaction) : SqlWriteUnit
    {
        private bool ended;

        public override DbConnection Connection => connection;

        public override DbTransaction Transaction => transaction;

        public override Task CommitAsync(CancellationToken cancellationToken)
        {
            ended = true;
            return owner.EndUnit(commit: true);
        }

        public override ValueTask DisposeAsync()
        {
            if (!ended)
            {
                ended = true;
                return new ValueTask(owner.EndUnit(commit: false));
            }

            return ValueTask.CompletedTask;
        }
    }
}
