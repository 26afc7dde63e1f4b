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
public sealed class PostgresDialect(NpgsqlDataSource dataSource, NpgsqlDataSource? reusedPlansSource = null) : SqlDialect, IAsyncDisposable
{
    public PostgresDialect(string connectionString)
        : this(NpgsqlDataSource.Create(WithDefaults(connectionString)), NpgsqlDataSource.Create(WithDefaults(connectionString, planEachExecution: false)))
    {
    }

    public override string Name => "Postgres";

    public override string? TransactionLockSql => "SELECT pg_advisory_xact_lock(@p0)";

    // One fixed key: two servers starting together apply migrations one after the other.
    public override string? MigrationLockSql => "SELECT pg_advisory_xact_lock(7420501)";

    public override string TableExistsSql => "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = @t";

    public override Assembly MigrationAssembly => typeof(PostgresDialect).Assembly;

    // It turns EXISTS and IN into semi-joins and picks their order from column statistics.
    public override bool PlansSearchDrivers => true;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// From a pool of its own, without <c>plan_cache_mode=force_custom_plan</c>: the eligibility
    /// lookup's five-way join is one shape whose best plan does not depend on the values, and
    /// planning it at every check tripled PostgreSQL's CPU per check (docs/performance.md).
    /// </summary>
    public override async Task<DbConnection> OpenPreparedConnectionAsync(CancellationToken cancellationToken) =>
        await (reusedPlansSource ?? dataSource).OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override bool SupportsArrayParameters => true;

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsTransient(DbException exception) =>
        exception is NpgsqlException { IsTransient: true } ||
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        if (reusedPlansSource is not null)
        {
            await reusedPlansSource.DisposeAsync();
        }
    }

    /// <summary>
    /// Per-request settings unless the connection string says otherwise. Every search statement
    /// is a handful of shapes with bound values, so Npgsql prepares the frequent ones (no parse
    /// and rewrite per request) while the server still plans each execution for its values
    /// (a generic plan would serve a rare code and one on most rows alike). No session state is
    /// left on a pooled connection (locks are transaction-scoped, nothing is SET), so the reset
    /// statement sent on every return to the pool is skipped (measured in docs/performance.md).
    /// </summary>
    public static string WithDefaults(string connectionString, bool planEachExecution = true)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Has(params string[] keys) => keys.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Has("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!Has("No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (planEachExecution && !(builder.Options ?? "").Contains("plan_cache_mode", StringComparison.Ordinal))
        {
            builder.Options = ((builder.Options ?? "") + " -c plan_cache_mode=force_custom_plan").Trim();
        }

        return builder.ConnectionString;
    }
}
