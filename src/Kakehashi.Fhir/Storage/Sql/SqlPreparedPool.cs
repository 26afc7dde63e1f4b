using System.Collections.Concurrent;
using System.Data.Common;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Open connections that keep their commands prepared, for a few fixed statements on a hot read
/// path (an eligibility check): parsing and planning the SQL once per connection instead of once
/// per call. SQLite would otherwise compile the statement every time (and set its pragmas at every
/// open); PostgreSQL keeps a server-side prepared statement. Statements use the positional
/// parameters <c>@p0</c>, <c>@p1</c>… and must always be given values of the same types.
/// </summary>
public sealed class SqlPreparedPool(SqlDialect dialect, int capacity) : IAsyncDisposable
{
    private readonly ConcurrentBag<Session> idle = [];
    private int idleCount;
    private bool disposed;

    /// <summary>Runs <paramref name="sql"/> with <paramref name="values"/> and hands the open reader to <paramref name="read"/>.</summary>
    public async Task<T> QueryAsync<T>(string sql, object?[] values, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var session = Rent() ?? new Session(await dialect.OpenPreparedConnectionAsync(cancellationToken));
        try
        {
            var command = session.Command(sql, values);
            T result;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                result = await read(reader, cancellationToken);
            }

            Return(session);
            return result;
        }
        catch
        {
            // A failed statement may leave the connection in any state: never reuse it.
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        while (idle.TryTake(out var session))
        {
            await session.DisposeAsync();
        }
    }

    private Session? Rent()
    {
        if (idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref idleCount);
            return session;
        }

        return null;
    }

    private void Return(Session session)
    {
        if (!disposed && Interlocked.Increment(ref idleCount) <= capacity)
        {
            idle.Add(session);
            return;
        }

        Interlocked.Decrement(ref idleCount);
        _ = session.DisposeAsync().AsTask();
    }

    private sealed class Session(DbConnection connection) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

        public DbCommand Command(string sql, object?[] values)
        {
            if (!commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                for (var i = 0; i < values.Length; i++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    parameter.Value = values[i] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                command.Prepare();
                commands[sql] = command;
                return command;
            }

            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
