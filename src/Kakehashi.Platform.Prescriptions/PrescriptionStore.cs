using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The <c>prescriptions</c> table (migration 0001). Every state change is one conditional UPDATE
/// on the state it starts from, so two requests racing for one prescription (two pharmacies
/// retrieving it, a cancellation against a dispensing) leave exactly one winner on both stores.
/// </summary>
public sealed class PrescriptionStore(SqlDialect dialect)
{
    private const string Columns = "id, patient_key, prescriber_code, prescriber, status, exchange_number, issue_day, window_start, window_end, uses_allowed, uses_done, " +
                                   "pharmacy_code, signed, signer_serial, signer_name, time_stamp, master_version, registered_at, document";

    /// <summary>Tries exchange numbers until one is free among open prescriptions (10⁶ numbers; a collision is rare while fewer than a few hundred thousand are open).</summary>
    private const int NumberAttempts = 32;

    public static async Task<string> InsertAsync(ISqlTransaction transaction, PrescriptionRow row, CancellationToken cancellationToken)
    {
        await ExpireAsync(transaction, row.IssueDay, cancellationToken);
        for (var attempt = 0; attempt < NumberAttempts; attempt++)
        {
            var number = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            // A savepoint per attempt: on PostgreSQL a failed statement would otherwise abort the whole transaction.
            var savepoint = "exchange_" + attempt.ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(transaction, "SAVEPOINT " + savepoint, cancellationToken);
            try
            {
                await ExecuteAsync(transaction,
                    $"INSERT INTO prescriptions ({Columns}, open_number, updated_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p5, @p17)",
                    cancellationToken,
                    row.Id, row.PatientKey, row.PrescriberCode, row.Prescriber, row.StoredStatus, number, Day(row.IssueDay), Day(row.WindowStart), Day(row.WindowEnd),
                    row.UsesAllowed, row.UsesDone, row.PharmacyCode, row.Electronic ? 1 : 0, row.SignerSerial, row.SignerName, row.TimeStamp, row.MasterVersion,
                    SqlTime.ToMicros(row.RegisteredAt), row.Document);
                await ExecuteAsync(transaction, "RELEASE SAVEPOINT " + savepoint, cancellationToken);
                return number;
            }
            catch (DbException e) when (transaction.Dialect.IsUniqueViolation(e))
            {
                await ExecuteAsync(transaction, "ROLLBACK TO SAVEPOINT " + savepoint, cancellationToken);
            }
        }

        throw new FhirException(System.Net.HttpStatusCode.ServiceUnavailable, Hl7.Fhir.Model.OperationOutcome.IssueType.Transient,
            "No free exchange number (引換番号) was found; send the prescription again.");
    }

    /// <summary>Closes the exchange numbers of prescriptions whose window ended before <paramref name="today"/>, so they can be given again.</summary>
    public static Task ExpireAsync(ISqlTransaction transaction, DateOnly today, CancellationToken cancellationToken) =>
        ExecuteAsync(transaction,
            "UPDATE prescriptions SET status = @p0, open_number = NULL WHERE status = @p1 AND window_end < @p2",
            cancellationToken, PrescriptionStatus.Expired, PrescriptionStatus.Registered, Day(today));

    public async Task<PrescriptionRow?> FindAsync(string id, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        (await QueryAsync(transaction, $"SELECT {Columns} FROM prescriptions WHERE id = @p0", cancellationToken, id)).FirstOrDefault();

    /// <summary>The open prescription with this exchange number, whoever's it is (the caller matches the patient).</summary>
    public async Task<PrescriptionRow?> FindOpenAsync(string exchangeNumber, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        (await QueryAsync(transaction, $"SELECT {Columns} FROM prescriptions WHERE open_number = @p0", cancellationToken, exchangeNumber)).FirstOrDefault();

    /// <summary>The patient's prescriptions, newest first.</summary>
    public Task<List<PrescriptionRow>> ForPatientAsync(string patientKey, int limit, CancellationToken cancellationToken) =>
        QueryAsync(null, $"SELECT {Columns} FROM prescriptions WHERE patient_key = @p0 ORDER BY registered_at DESC LIMIT @p1", cancellationToken, patientKey, limit);

    /// <summary>What an institution issued, newest first.</summary>
    public Task<List<PrescriptionRow>> IssuedByAsync(string institutionCode, int limit, CancellationToken cancellationToken) =>
        QueryAsync(null, $"SELECT {Columns} FROM prescriptions WHERE prescriber_code = @p0 ORDER BY registered_at DESC LIMIT @p1", cancellationToken, institutionCode, limit);

    /// <summary>What a pharmacy holds now (受付済).</summary>
    public Task<List<PrescriptionRow>> HeldByAsync(string pharmacyCode, int limit, CancellationToken cancellationToken) =>
        QueryAsync(null, $"SELECT {Columns} FROM prescriptions WHERE pharmacy_code = @p0 AND status = @p1 ORDER BY registered_at DESC LIMIT @p2", cancellationToken, pharmacyCode, PrescriptionStatus.Accepted, limit);

    /// <summary>Registered and in its window → accepted by the pharmacy. False when another request changed it first.</summary>
    public static async Task<bool> AcceptAsync(ISqlTransaction transaction, string id, string pharmacyCode, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction,
            "UPDATE prescriptions SET status = @p0, pharmacy_code = @p1, updated_at = @p2 WHERE id = @p3 AND status = @p4 AND window_start <= @p5 AND window_end >= @p5",
            cancellationToken, PrescriptionStatus.Accepted, pharmacyCode, SqlTime.ToMicros(now), id, PrescriptionStatus.Registered, Day(today)) == 1;

    /// <summary>Accepted by this pharmacy → registered again (handed back; 受付取消).</summary>
    public static async Task<bool> HandBackAsync(ISqlTransaction transaction, string id, string pharmacyCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction,
            "UPDATE prescriptions SET status = @p0, pharmacy_code = NULL, updated_at = @p1 WHERE id = @p2 AND status = @p3 AND pharmacy_code = @p4",
            cancellationToken, PrescriptionStatus.Registered, SqlTime.ToMicros(now), id, PrescriptionStatus.Accepted, pharmacyCode) == 1;

    /// <summary>Registered or accepted, nothing dispensed yet → cancelled; the exchange number is free again.</summary>
    public static async Task<bool> CancelAsync(ISqlTransaction transaction, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction,
            "UPDATE prescriptions SET status = @p0, open_number = NULL, pharmacy_code = NULL, updated_at = @p1 WHERE id = @p2 AND status IN (@p3, @p4) AND uses_done = 0",
            cancellationToken, PrescriptionStatus.Cancelled, SqlTime.ToMicros(now), id, PrescriptionStatus.Registered, PrescriptionStatus.Accepted) == 1;

    /// <summary>
    /// Accepted by this pharmacy → one more use dispensed: dispensed when it was the last, else
    /// registered again for the next use with its window (refill).
    /// </summary>
    public static async Task<bool> DispenseAsync(ISqlTransaction transaction, PrescriptionRow row, string pharmacyCode, (DateOnly Start, DateOnly End)? nextWindow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = nextWindow is null
            ? "UPDATE prescriptions SET status = @p0, open_number = NULL, pharmacy_code = @p1, uses_done = uses_done + 1, updated_at = @p2 WHERE id = @p3 AND status = @p4 AND pharmacy_code = @p5 AND uses_done = @p6"
            : "UPDATE prescriptions SET status = @p0, pharmacy_code = NULL, uses_done = uses_done + 1, window_start = @p7, window_end = @p8, updated_at = @p2 WHERE id = @p3 AND status = @p4 AND pharmacy_code = @p5 AND uses_done = @p6";
        return await ExecuteAsync(transaction, sql, cancellationToken,
            nextWindow is null ? PrescriptionStatus.Dispensed : PrescriptionStatus.Registered, pharmacyCode, SqlTime.ToMicros(now), row.Id, PrescriptionStatus.Accepted, pharmacyCode, row.UsesDone,
            nextWindow is { } w1 ? Day(w1.Start) : null, nextWindow is { } w2 ? Day(w2.End) : null) == 1;
    }

    public static Task InsertDispensingAsync(ISqlTransaction transaction, DispensingRow row, CancellationToken cancellationToken) =>
        ExecuteAsync(transaction,
            "INSERT INTO prescription_dispensings (prescription_id, use_number, pharmacy_code, pharmacist, dispensed_day, dispense_ids, signed, signer_serial, time_stamp, registered_at, document) " +
            "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10)",
            cancellationToken, row.PrescriptionId, row.UseNumber, row.PharmacyCode, row.Pharmacist, Day(row.DispensedDay), System.Text.Json.JsonSerializer.Serialize(row.DispenseIds),
            row.Electronic ? 1 : 0, row.SignerSerial, row.TimeStamp, SqlTime.ToMicros(row.RegisteredAt), row.Document);

    public async Task<List<DispensingRow>> DispensingsAsync(string prescriptionId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null,
            "SELECT prescription_id, use_number, pharmacy_code, pharmacist, dispensed_day, dispense_ids, signed, signer_serial, time_stamp, registered_at, document " +
            "FROM prescription_dispensings WHERE prescription_id = @p0 ORDER BY use_number", prescriptionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<DispensingRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DispensingRow(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3),
                ParseDay(reader.GetString(4)), System.Text.Json.JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
                Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture) == 1, reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                SqlTime.FromMicros(reader.GetInt64(9)), reader.GetString(10)));
        }

        return rows;
    }

    private async Task<List<PrescriptionRow>> QueryAsync(ISqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        DbConnection? own = null;
        try
        {
            var connection = transaction?.Connection ?? (own = await dialect.OpenConnectionAsync(cancellationToken));
            await using var command = SqlCommands.Create(connection, transaction?.Transaction, sql, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<PrescriptionRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new PrescriptionRow(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    ParseDay(reader.GetString(6)), ParseDay(reader.GetString(7)), ParseDay(reader.GetString(8)),
                    Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(10), CultureInfo.InvariantCulture),
                    reader.IsDBNull(11) ? null : reader.GetString(11), Convert.ToInt32(reader.GetValue(12), CultureInfo.InvariantCulture) == 1,
                    reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetString(15),
                    reader.GetString(16), SqlTime.FromMicros(reader.GetInt64(17)), reader.GetString(18)));
            }

            return rows;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private static async Task<int> ExecuteAsync(ISqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = SqlCommands.Create(transaction.Connection, transaction.Transaction, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
