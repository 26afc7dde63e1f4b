using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.History;

/// <summary>The checkup reports (migration 0007_checkup_reports), one row per registered document.</summary>
public sealed class CheckupStore(SqlDialect dialect)
{
    private const string Columns = "id, patient_key, registrant, document_system, document_value, checkup_date, registered_at, document";

    /// <summary>
    /// Stores the report inside the caller's transaction: a new identifier adds a row, a known one
    /// (from the same registrant, for the same patient) replaces it. Returns whether it was new.
    /// </summary>
    public static async Task<(string Id, bool Created)> SaveAsync(ISqlTransaction transaction, CheckupReportRow row, CancellationToken cancellationToken)
    {
        string? existingId = null;
        string? existingPatient = null;
        await using (var find = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            "SELECT id, patient_key FROM checkup_reports WHERE registrant = @p0 AND document_system = @p1 AND document_value = @p2",
            row.Registrant, row.DocumentSystem, row.DocumentValue))
        {
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                existingId = reader.GetString(0);
                existingPatient = reader.GetString(1);
            }
        }

        if (existingId is not null && existingPatient != row.PatientKey)
        {
            throw FhirException.Conflict($"The document {row.DocumentSystem}|{row.DocumentValue} is registered for another patient; a correction keeps the patient.");
        }

        var date = JapanDates.Text(row.CheckupDate);
        var registered = SqlTime.ToMicros(row.RegisteredAt);
        try
        {
            await using var write = existingId is null
                ? SqlCommands.Create(transaction.Connection, transaction.Transaction,
                    $"INSERT INTO checkup_reports ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)",
                    row.Id, row.PatientKey, row.Registrant, row.DocumentSystem, row.DocumentValue, date, registered, row.Document)
                : SqlCommands.Create(transaction.Connection, transaction.Transaction,
                    "UPDATE checkup_reports SET checkup_date = @p0, registered_at = @p1, document = @p2 WHERE id = @p3",
                    date, registered, row.Document, existingId);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (transaction.Dialect.IsUniqueViolation(e))
        {
            throw FhirException.Conflict($"The document {row.DocumentSystem}|{row.DocumentValue} was registered at the same moment by another request; send it again.");
        }

        return (existingId ?? row.Id, existingId is null);
    }

    /// <summary>The patient's reports with a checkup day in [<paramref name="from"/>, <paramref name="until"/>], newest first.</summary>
    public async Task<List<CheckupReportRow>> ListAsync(string patientKey, DateOnly from, DateOnly until, ISqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string Sql = $"SELECT {Columns} FROM checkup_reports WHERE patient_key = @p0 AND checkup_date >= @p1 AND checkup_date <= @p2 ORDER BY checkup_date DESC, id";
        object[] values = [patientKey, JapanDates.Text(from), JapanDates.Text(until)];
        if (transaction is not null)
        {
            return await ReadAsync(SqlCommands.Create(transaction.Connection, transaction.Transaction, Sql, values), cancellationToken);
        }

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(SqlCommands.Create(connection, null, Sql, values), cancellationToken);
    }

    private static async Task<List<CheckupReportRow>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<CheckupReportRow>();
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new CheckupReportRow(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    DateOnly.ParseExact(reader.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    SqlTime.FromMicros(Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture)),
                    reader.GetString(7)));
            }
        }

        return rows;
    }
}
