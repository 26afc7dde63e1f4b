using Npgsql;

namespace Kakehashi.Server.Tests.Support;

/// <summary>
/// A server on a fresh database in the throw-away PostgreSQL cluster that ./test.sh starts.
/// Without that cluster the tests fail loudly rather than skip: a missing database must
/// never look like a green run.
/// </summary>
public class PostgresServerFixture : ServerFixture
{
    public const string EnvironmentVariable = "KAKEHASHI_TEST_POSTGRES";

    private readonly string database = "kakehashi_test_" + Guid.NewGuid().ToString("N")[..12];
    private string? adminConnectionString;

    public override string ProviderName => "Postgres";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with ./test.sh, which starts a throw-away PostgreSQL cluster.");

    protected override async Task<Dictionary<string, string?>> PrepareStorageAsync()
    {
        adminConnectionString = AdminConnectionString;
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database, MaxPoolSize = 40 };
        return new Dictionary<string, string?>
        {
            ["Kakehashi:Storage:Provider"] = "Postgres",
            ["Kakehashi:Storage:ConnectionString"] = builder.ToString(),
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
