using Kakehashi.Server.Tests.Support;
using Npgsql;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>A SQLite server whose validation on write only warns: every example, even a deliberately invalid one, is stored.</summary>
public sealed class SqliteWarnServerFixture : ServerFixture
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "kakehashi-tests", Guid.NewGuid().ToString("N"));

    public override string ProviderName => "Sqlite";

    protected override Task<Dictionary<string, string?>> PrepareStorageAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Kakehashi:Storage:Provider"] = "Sqlite",
        ["Kakehashi:Storage:DataDirectory"] = directory,
        ["Kakehashi:Storage:Durable"] = "false",
        ["Kakehashi:Validation:DeclaredProfile"] = "Warn",
    });

    protected override Task CleanUpStorageAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held by a pooled connection; the OS temp cleaner will get it.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The PostgreSQL twin of <see cref="SqliteWarnServerFixture"/>, on a fresh database of the ./test.sh cluster.</summary>
public sealed class PostgresWarnServerFixture : ServerFixture
{
    private readonly string database = "kakehashi_test_" + Guid.NewGuid().ToString("N")[..12];
    private string? adminConnectionString;

    public override string ProviderName => "Postgres";

    protected override async Task<Dictionary<string, string?>> PrepareStorageAsync()
    {
        adminConnectionString = PostgresServerFixture.AdminConnectionString;
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database, MaxPoolSize = 20 };
        return new Dictionary<string, string?>
        {
            ["Kakehashi:Storage:Provider"] = "Postgres",
            ["Kakehashi:Storage:ConnectionString"] = builder.ToString(),
            ["Kakehashi:Validation:DeclaredProfile"] = "Warn",
        };
    }

    protected override async Task CleanUpStorageAsync()
    {
        if (adminConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
