using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Applies the versioned, embedded <c>.sql</c> scripts of the engine (from the dialect's
/// assembly) and then of each <see cref="SchemaModule"/> in the order given, each script in its
/// own transaction, and records them in <c>schema_versions</c> by (module, version). Scripts are
/// never edited once released: a change is a new script.
/// </summary>
public static class SqlMigrator
{
    private const string CreateVersionsSql =
        "CREATE TABLE IF NOT EXISTS schema_versions (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))";

    /// <summary>Returns the scripts applied now, as <c>module/NNNN_description.sql</c>.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(SqlDialect dialect, IReadOnlyList<SchemaModule> modules, CancellationToken cancellationToken)
    {
        var duplicate = modules.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"The schema module '{duplicate.Key}' is registered twice.");
        }

        var scripts = LoadScripts(SchemaModule.EngineName, dialect.MigrationAssembly, ".Migrations.")
            .Concat(modules.SelectMany(m => LoadScripts(m.Name, m.Assembly, ".Migrations." + dialect.Name + ".")))
            .ToList();

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await AdoptLegacyVersionsAsync(dialect, connection, scripts, cancellationToken);

        var applied = new List<string>();
        foreach (var script in scripts)
        {
            await using var transaction = await BeginLockedAsync(dialect, connection, cancellationToken);
            if (await CountAsync(connection, transaction, "SELECT COUNT(*) FROM schema_versions WHERE module = @m AND version = @v", cancellationToken, ("@m", script.Module), ("@v", script.Version)) > 0)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await RecordAsync(connection, transaction, script.Module, script.Version, script.Name,
                // When the schema changed on this machine: an operational fact, not a domain time.
                TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            applied.Add(script.Module + "/" + script.Name);
        }

        if (dialect.AfterMigrationSql is { } after)
        {
            await ExecuteAsync(connection, null, after, cancellationToken);
        }

        return applied;
    }

    /// <summary>
    /// Databases created before schemas belonged to modules recorded one global version per
    /// script in <c>schema_migrations</c>; the scripts kept their numbers and names when they moved
    /// to their modules, so each recorded script is found again by (version, name) and recorded
    /// under its module — once, on the first start of this server. A recorded script that no
    /// module provides means the database is newer than this server: it refuses to start.
    /// </summary>
    private static async Task AdoptLegacyVersionsAsync(SqlDialect dialect, DbConnection connection, List<Script> scripts, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginLockedAsync(dialect, connection, cancellationToken);
        await ExecuteAsync(connection, transaction, CreateVersionsSql, cancellationToken);
        if (await CountAsync(connection, transaction, "SELECT COUNT(*) FROM schema_versions", cancellationToken) > 0
            || await CountAsync(connection, transaction, dialect.TableExistsSql, cancellationToken, ("@t", "schema_migrations")) == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var legacy = new List<(int Version, string Name, string AppliedAt)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                legacy.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (version, name, appliedAt) in legacy)
        {
            var owner = scripts.FirstOrDefault(s => s.Version == version && s.Name == name)
                ?? throw new InvalidOperationException(
                    $"The database records the migration {name}, which no module of this server provides: the database is newer than this server, or a module is missing.");
            await RecordAsync(connection, transaction, owner.Module, version, name, appliedAt, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<DbTransaction> BeginLockedAsync(SqlDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        if (dialect.MigrationLockSql is { } lockSql)
        {
            await ExecuteAsync(connection, transaction, lockSql, cancellationToken);
        }

        return transaction;
    }

    private static List<Script> LoadScripts(string module, Assembly assembly, string folder)
    {
        var prefix = assembly.GetName().Name + folder;
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            // Resource names look like Assembly.Migrations[.Dialect].0001_resources.sql
            var fileName = resource[prefix.Length..];
            var version = int.Parse(fileName[..fileName.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Script(module, version, fileName, reader.ReadToEnd()));
        }

        var clash = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        return clash is null
            ? [.. scripts.OrderBy(s => s.Version)]
            : throw new InvalidOperationException($"The module '{module}' has two scripts numbered {clash.Key}: {string.Join(", ", clash.Select(s => s.Name))}.");
    }

    private static async Task RecordAsync(DbConnection connection, DbTransaction transaction, string module, int version, string name, string appliedAt, CancellationToken cancellationToken)
    {
        await using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = "INSERT INTO schema_versions (module, version, name, applied_at) VALUES (@m, @v, @n, @a)";
        AddParameter(record, "@m", module);
        AddParameter(record, "@v", version);
        AddParameter(record, "@n", name);
        AddParameter(record, "@a", appliedAt);
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
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

    private sealed record Script(string Module, int Version, string Name, string Sql);
}
