using System.Data.Common;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>A unit with its own connection and database transaction: the default.</summary>
public sealed class DedicatedSqlWriteUnit(DbConnection connection, DbTransaction transaction) : SqlWriteUnit
{
    private bool committed;

    public override DbConnection Connection => connection;

    public override DbTransaction Transaction => transaction;

    public static async Task<SqlWriteUnit> BeginAsync(SqlDialect dialect, CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenConnectionAsync(cancellationToken);
        try
        {
            return new DedicatedSqlWriteUnit(connection, await dialect.BeginWriteTransactionAsync(connection, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        committed = true;
    }

    public override async ValueTask DisposeAsync()
    {
        if (!committed)
        {
            try
            {
                await transaction.RollbackAsync();
            }
            catch (DbException)
            {
                // A broken connection discards the transaction anyway.
            }
        }

        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
