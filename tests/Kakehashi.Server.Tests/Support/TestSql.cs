using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;

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
}
