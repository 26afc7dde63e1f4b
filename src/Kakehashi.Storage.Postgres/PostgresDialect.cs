using System.Data;
using System.Data.Common;
using System.Reflection;
using Kakehashi.Fhir.Storage.Sql;
using Npgsql;

namespace Kakehashi.Storage.Postgres;

/// <summary>
/// PostgreSQL at READ COMMITTED. Version races are caught by the optimistic pointer update;
/// conditional interactions serialize on transaction-scoped advisory locks.
/// </summary>
public sealed class PostgresDialect(NpgsqlDataSource dataSource) : SqlDialect, IAsyncDisposable
{
    public PostgresDialect(string connectionString)
        : this(NpgsqlDataSource.Create(connectionString))
    {
    }

    public override string Name => "Postgres";

    public override string? TransactionLockSql => "SELECT pg_advisory_xact_lock(@p0)";

    // One fixed key: two servers starting together apply migrations one after the other.
    public override string? MigrationLockSql => "SELECT pg_advisory_xact_lock(7420501)";

    public override Assembly MigrationAssembly => typeof(PostgresDialect).Assembly;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override bool SupportsArrayParameters => true;

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsTransient(DbException exception) =>
        exception is NpgsqlException { IsTransient: true } ||
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
