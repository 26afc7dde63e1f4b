using System.Data.Common;
using System.Reflection;
using Kakehashi.Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Kakehashi.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode: readers use pooled connections and never block the single writer;
/// writes run one at a time on one connection with group commit (<see cref="SqliteGroupCommit"/>),
/// so they need no extra locks and share the cost of each commit.
/// </summary>
public sealed class SqliteDialect : SqlDialect, IDisposable
{
    internal const string OptimizeSql = "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;";

    private readonly string connectionString;
    private readonly string synchronous;
    private readonly SqliteGroupCommit groupCommit;

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
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }

        groupCommit = new SqliteGroupCommit(OpenWriter);
    }

    public override string Name => "Sqlite";

    /// <summary>All writes go through one connection, grouped into shared commits.</summary>
    public override Task<SqlWriteUnit> BeginWriteUnitAsync(CancellationToken cancellationToken) =>
        groupCommit.BeginAsync(cancellationToken);

    public override string? TransactionLockSql => null;

    public override string? MigrationLockSql => null;

    public override string TableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t";

    public override string? AfterMigrationSql => OptimizeSql;

    public override Assembly MigrationAssembly => typeof(SqliteDialect).Assembly;

    // Opening a pooled connection is microseconds; SQLite work is synchronous in this driver anyway.
    public override Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<DbConnection>(OpenConfigured());

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 };

    public override bool IsTransient(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 };

    public void Dispose() => groupCommit.Dispose();

    // The planner needs statistics: without them it scans a whole index per row of the outer
    // query (seconds instead of milliseconds at 100k resources). The writer refreshes them
    // when it opens and then every 200 commits or 30 seconds of writing (SqliteGroupCommit), cheaply: the
    // analysis is bounded and skips tables that have not changed much.
    private SqliteConnection OpenWriter()
    {
        var connection = OpenConfigured();
        using var command = connection.CreateCommand();
        command.CommandText = OptimizeSql;
        command.ExecuteNonQuery();
        return connection;
    }

    private SqliteConnection OpenConfigured()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=" + synchronous + "; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-8192; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;";
        command.ExecuteNonQuery();
        return connection;
    }
}
