using System.Data.Common;
using System.Globalization;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>Runs <see cref="SqlStatement"/>s on one connection and optional transaction.</summary>
internal sealed class SqlCommandRunner(DbConnection connection, DbTransaction? transaction) : ISqlExecutor
{
    public const string ResourceColumns = "v.resource_type, v.id, v.version_id, v.last_updated, v.is_deleted, v.data";

    public async Task<List<StoredResource>> QueryResourcesAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = Create(statement);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<StoredResource>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(ReadResource(reader, 0));
        }

        return results;
    }

    public async Task<long> QueryScalarAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = Create(statement);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<int> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = Create(statement);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<T>> QueryAsync<T>(SqlStatement statement, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = Create(statement);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(map(reader));
        }

        return results;
    }

    public static StoredResource ReadResource(DbDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        Convert.ToInt32(reader.GetValue(first + 2), CultureInfo.InvariantCulture),
        SqlTime.FromMicros(Convert.ToInt64(reader.GetValue(first + 3), CultureInfo.InvariantCulture)),
        Convert.ToInt32(reader.GetValue(first + 4), CultureInfo.InvariantCulture) != 0,
        (byte[])reader.GetValue(first + 5));

    private DbCommand Create(SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = statement.Text;
        foreach (var (name, value) in statement.Parameters)
        {
            SqlMigrator.AddParameter(command, name, value);
        }

        return command;
    }
}
