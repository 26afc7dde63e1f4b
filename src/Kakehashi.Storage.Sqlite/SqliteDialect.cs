using System.Data.Common;
using System.Reflection;
using Kakehashi.Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Kakehashi.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode: readers never block the single writer, and write transactions start
/// with <c>BEGIN IMMEDIATE</c>, so writers are serialized and need no extra locks.
/// </summary>
public sealed class SqliteDialect : SqlDialect, IDisposable
{
    private readonly string connectionString;
    private readonly string synchronous;

    public SqliteDialect(string databasePath, bool durable = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // FULL syncs the WAL on every commit: a committed write survives power loss.
        synchronous = durable ? "FULL" : "NORMAL";
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    // SQLite admits one writer at a time. Queuing writers here costs microseconds; letting them
    // contend for the file lock makes them sleep in the driver's busy-retry loop instead.
    private readonly SemaphoreSlim writeGate = new(1, 1);

    public override string Name => "Sqlite";

    public override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        return new Releaser(writeGate);
    }

    public override string? TransactionLockSql => null;

    public override string? MigrationLockSql => null;

    public override Assembly MigrationAssembly => typeof(SqliteDialect).Assembly;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=" + synchronous + "; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 };

    public override bool IsTransient(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 };

    public void Dispose() => writeGate.Dispose();

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
