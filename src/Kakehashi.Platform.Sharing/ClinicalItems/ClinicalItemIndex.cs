using System.Data.Common;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// The <c>sharing_items</c> table (migration 0002_clinical_items): one row per stored clinical
/// item, written only by <see cref="ClinicalItemObserver"/> in the transaction that writes the
/// item, read by the views and the retention job.
/// </summary>
public sealed class ClinicalItemIndex(SqlDialect dialect)
{
    private const string Columns = "kind, resource_type, resource_id, code, label, day, ended, source, not_yet_told, long_term";

    public static async Task ReplaceAsync(ISqlTransaction transaction, string patientKey, ClinicalItem item, CancellationToken cancellationToken)
    {
        await RemoveAsync(transaction, item.ResourceType, item.Id, cancellationToken);
        await using var insert = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            $"INSERT INTO sharing_items (patient_key, {Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10)",
            patientKey, item.Kind, item.ResourceType, item.Id, item.Code, item.Label, item.Day?.DayNumber, item.Ended?.DayNumber, item.Source,
            item.NotYetTold ? 1 : 0, item.LongTerm ? 1 : 0);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task RemoveAsync(ISqlTransaction transaction, string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var delete = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            "DELETE FROM sharing_items WHERE resource_type = @p0 AND resource_id = @p1", resourceType, id);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every item of a patient, from every institution.</summary>
    public Task<List<ClinicalItem>> OfPatientAsync(string patientId, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        QueryAsync(transaction, $"SELECT {Columns} FROM sharing_items WHERE patient_key = @p0", cancellationToken, "Patient/" + patientId);

    /// <summary>
    /// Up to <paramref name="max"/> items past retention on <paramref name="limit"/> (a diagnosis
    /// ended before it, anything else dated before it), never a long-term one.
    /// </summary>
    public Task<List<ClinicalItem>> ExpiredAsync(DateOnly limit, int max, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        QueryAsync(transaction,
            $"SELECT {Columns} FROM sharing_items WHERE long_term = 0 AND ((kind = @p0 AND ended < @p1) OR (kind <> @p0 AND day < @p1)) ORDER BY resource_type, resource_id LIMIT @p2",
            cancellationToken, ClinicalItemKind.Diagnosis, limit.DayNumber, max);

    private async Task<List<ClinicalItem>> QueryAsync(ISqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        DbConnection? own = null;
        try
        {
            var connection = transaction?.Connection ?? (own = await dialect.OpenConnectionAsync(cancellationToken));
            await using var command = SqlCommands.Create(connection, transaction?.Transaction, sql, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var items = new List<ClinicalItem>();
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new ClinicalItem(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), Day(reader, 5), Day(reader, 6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt32(8) == 1, reader.GetInt32(9) == 1));
            }

            return items;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private static DateOnly? Day(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : DateOnly.FromDayNumber(reader.GetInt32(i));
}
