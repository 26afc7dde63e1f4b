using System.Data.Common;
using System.Globalization;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Applies the versioned, embedded <c>.sql</c> scripts of a dialect in order, each in its own
/// transaction, and records them in <c>schema_migrations</c>. Scripts are never edited once
/// released: a change is a new script.
/// </summary>
public static class SqlMigrator
{
    public static async Task<IReadOnlyList<int>> MigrateAsync(SqlDialect dialect, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            cancellationToken);

        var applied = new List<int>();
        foreach (var (version, name, sql) in LoadScripts(dialect))
        {
            await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
            if (dialect.MigrationLockSql is { } lockSql)
            {
                await ExecuteAsync(connection, transaction, lockSql, cancellationToken);
            }

            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = " + version.ToString(CultureInfo.InvariantCulture);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
                {
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @a)";
                AddParameter(record, "@v", version);
                AddParameter(record, "@n", name);
                // When the schema changed on this machine: an operational fact, not a domain time.
                AddParameter(record, "@a", TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(version);
        }

        if (dialect.AfterMigrationSql is { } after)
        {
            await ExecuteAsync(connection, null, after, cancellationToken);
        }

        return applied;
    }

    private static IEnumerable<(int Version, string Name, string Sql)> LoadScripts(SqlDialect dialect)
    {
        var assembly = dialect.MigrationAssembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            // Resource names look like Assembly.Migrations.0001_resources.sql
            var fileName = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
            var version = int.Parse(fileName[..fileName.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, fileName, reader.ReadToEnd()));
        }

        return scripts.OrderBy(s => s.Item1);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
