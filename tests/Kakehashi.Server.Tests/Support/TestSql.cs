using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;

namespace Kakehashi.Server.Tests.Support;

/// <summary>Direct SQL on the server's database, for tests that reproduce what an older server left behind.</summary>
public static class TestSql
{
    public static async Task ExecuteAsync(SqlDialect dialect, string sql, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(SqlDialect dialect, string sql, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Every row, its columns as read (integers may come back as Int32 or Int64 depending on the store).</summary>
    public static async Task<List<object?[]>> RowsAsync(SqlDialect dialect, string sql, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
