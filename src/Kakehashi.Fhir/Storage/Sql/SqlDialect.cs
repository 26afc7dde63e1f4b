using System.Data.Common;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// What differs between the supported databases. Everything else — the schema's shape, the
/// statements, the concurrency rules — is shared by <see cref="SqlResourceStore"/>, so both
/// stores behave identically by construction.
/// </summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    /// <summary>Opens a connection ready for use (pragmas, session settings applied).</summary>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection for statements prepared once and run many times with values of one
    /// shape (<see cref="SqlPreparedPool"/>): the database may plan them once. Default: as
    /// <see cref="OpenConnectionAsync"/>.
    /// </summary>
    public virtual Task<DbConnection> OpenPreparedConnectionAsync(CancellationToken cancellationToken) => OpenConnectionAsync(cancellationToken);

    /// <summary>Begins a write transaction that serializes against other writers where the database needs it.</summary>
    public abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the database side of a write transaction. The default gives each unit its own
    /// connection and transaction; a dialect may override it (SQLite groups units into one commit).
    /// </summary>
    public virtual Task<SqlWriteUnit> BeginWriteUnitAsync(CancellationToken cancellationToken) =>
        DedicatedSqlWriteUnit.BeginAsync(this, cancellationToken);

    /// <summary>SQL that takes a transaction-scoped lock on an integer key, or null when writers are already serialized.</summary>
    public abstract string? TransactionLockSql { get; }

    /// <summary>
    /// True when a parameter may be an array and SQL can turn arrays into rows (PostgreSQL's
    /// <c>unnest</c>): many rows then go in one statement, planned once.
    /// </summary>
    public virtual bool SupportsArrayParameters => false;

    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>True when retrying the same work may succeed (serialization failure, deadlock, busy).</summary>
    public abstract bool IsTransient(DbException exception);

    /// <summary>The embedded migration scripts, named <c>NNNN_description.sql</c>.</summary>
    public abstract System.Reflection.Assembly MigrationAssembly { get; }

    /// <summary>A count of the tables named by the parameter <c>@t</c> (0 or 1), for the migrator.</summary>
    public abstract string TableExistsSql { get; }

    /// <summary>SQL run after migrations at every start (e.g. refreshing planner statistics), or null.</summary>
    public virtual string? AfterMigrationSql => null;

    /// <summary>SQL executed before migrations to keep two starting servers from migrating at once, or null.</summary>
    public abstract string? MigrationLockSql { get; }

    /// <summary>
    /// True when the database's planner, from its own statistics on the index tables, chooses
    /// well between reading a condition's index set and walking resources in result order; the
    /// search engine then counts only the sets it cannot estimate (<c>_has</c>) before choosing
    /// what drives a query, and saves a round trip per condition (see <c>SqlSearchPlanner</c>).
    /// </summary>
    public virtual bool PlansSearchDrivers => false;
}
