using System.Data.Common;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// The <c>sharing_documents</c> table (migration 0001_documents). Rows are never rewritten but for
/// their delivery state (retrieved, acknowledged), the link to the version that superseded them and
/// their expiry; each state change is one conditional UPDATE.
/// </summary>
public sealed class DocumentStore(SqlDialect dialect)
{
    private const string Columns = "id, kind, patient_key, sender_code, sender_name, sender, recipient_code, recipient_name, document_key, document_date, " +
                                   "submitted_at, status, retrieved_at, acknowledged_at, replaces, superseded_by, expires_at, document";

    public const int ListLimit = 200;

    public static Task InsertAsync(ISqlTransaction transaction, SharedDocument row, CancellationToken cancellationToken) =>
        ExecuteAsync(transaction,
            $"INSERT INTO sharing_documents ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)",
            cancellationToken,
            row.Id, row.Kind, row.PatientKey, row.SenderCode, row.SenderName, row.Sender, row.RecipientCode, row.RecipientName, row.DocumentKey, row.DocumentDate,
            SqlTime.ToMicros(row.SubmittedAt), row.Status, Micros(row.RetrievedAt), Micros(row.AcknowledgedAt), row.Replaces, row.SupersededBy, Micros(row.ExpiresAt), row.Document);

    /// <summary>Marks <paramref name="id"/> superseded by <paramref name="by"/>; false when another correction won the race.</summary>
    /// <remarks>A superseded version is kept for the retention period from the correction (or its own earlier expiry).</remarks>
    public static async Task<bool> SupersedeAsync(ISqlTransaction transaction, string id, string by, DateTimeOffset expires, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction, "UPDATE sharing_documents SET superseded_by = @p0, expires_at = COALESCE(expires_at, @p1) WHERE id = @p2 AND superseded_by IS NULL",
            cancellationToken, by, SqlTime.ToMicros(expires), id) == 1;

    public static async Task<bool> RetrieveAsync(ISqlTransaction transaction, string id, DateTimeOffset now, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction,
            "UPDATE sharing_documents SET status = @p0, retrieved_at = @p1, expires_at = COALESCE(expires_at, @p2) WHERE id = @p3 AND status = @p4",
            cancellationToken, DocumentStatus.Retrieved, SqlTime.ToMicros(now), Micros(expires), id, DocumentStatus.New) == 1;

    public static async Task<bool> AcknowledgeAsync(ISqlTransaction transaction, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(transaction,
            "UPDATE sharing_documents SET status = @p0, acknowledged_at = @p1 WHERE id = @p2 AND status = @p3",
            cancellationToken, DocumentStatus.Acknowledged, SqlTime.ToMicros(now), id, DocumentStatus.Retrieved) == 1;

    public async Task<SharedDocument?> FindAsync(string id, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        (await QueryAsync(transaction, $"SELECT {Columns} FROM sharing_documents WHERE id = @p0", cancellationToken, id)).FirstOrDefault();

    /// <summary>The sender's latest version with this document identifier, if any.</summary>
    public async Task<SharedDocument?> LatestByKeyAsync(string senderCode, string documentKey, ISqlTransaction? transaction, CancellationToken cancellationToken) =>
        (await QueryAsync(transaction, $"SELECT {Columns} FROM sharing_documents WHERE sender_code = @p0 AND document_key = @p1 AND superseded_by IS NULL", cancellationToken, senderCode, documentKey)).FirstOrDefault();

    /// <summary>The latest versions addressed to an institution, newest first.</summary>
    public Task<List<SharedDocument>> InboxAsync(string recipientCode, string? status, CancellationToken cancellationToken) =>
        status is null
            ? QueryAsync(null, $"SELECT {Columns} FROM sharing_documents WHERE recipient_code = @p0 AND superseded_by IS NULL ORDER BY submitted_at DESC LIMIT @p1", cancellationToken, recipientCode, ListLimit)
            : QueryAsync(null, $"SELECT {Columns} FROM sharing_documents WHERE recipient_code = @p0 AND superseded_by IS NULL AND status = @p1 ORDER BY submitted_at DESC LIMIT @p2", cancellationToken, recipientCode, status, ListLimit);

    /// <summary>The latest versions an institution sent, newest first.</summary>
    public Task<List<SharedDocument>> SentAsync(string senderCode, CancellationToken cancellationToken) =>
        QueryAsync(null, $"SELECT {Columns} FROM sharing_documents WHERE sender_code = @p0 AND superseded_by IS NULL ORDER BY submitted_at DESC LIMIT @p1", cancellationToken, senderCode, ListLimit);

    /// <summary>The latest versions of one kind about a patient, newest first.</summary>
    public Task<List<SharedDocument>> ByPatientAsync(string patientKey, string kind, CancellationToken cancellationToken) =>
        QueryAsync(null, $"SELECT {Columns} FROM sharing_documents WHERE patient_key = @p0 AND kind = @p1 AND superseded_by IS NULL ORDER BY submitted_at DESC LIMIT @p2",
            cancellationToken, patientKey, kind, ListLimit);

    /// <summary>Ids of documents whose retention ended before <paramref name="now"/>.</summary>
    public static async Task<List<(string Id, string PatientKey)>> ExpiredAsync(ISqlTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            "SELECT id, patient_key FROM sharing_documents WHERE expires_at IS NOT NULL AND expires_at < @p0", SqlTime.ToMicros(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add((reader.GetString(0), reader.GetString(1)));
        }

        return ids;
    }

    public static Task<int> DeleteAsync(ISqlTransaction transaction, string id, CancellationToken cancellationToken) =>
        ExecuteAsync(transaction, "DELETE FROM sharing_documents WHERE id = @p0", cancellationToken, id);

    private async Task<List<SharedDocument>> QueryAsync(ISqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        DbConnection? own = null;
        try
        {
            var connection = transaction?.Connection ?? (own = await dialect.OpenConnectionAsync(cancellationToken));
            await using var command = SqlCommands.Create(connection, transaction?.Transaction, sql, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<SharedDocument>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new SharedDocument(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(reader, 4), reader.GetString(5), Text(reader, 6), Text(reader, 7),
                    reader.GetString(8), Text(reader, 9), SqlTime.FromMicros(reader.GetInt64(10)), reader.GetString(11), Time(reader, 12), Time(reader, 13),
                    Text(reader, 14), Text(reader, 15), Time(reader, 16), reader.GetString(17)));
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

    private static string? Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : SqlTime.FromMicros(reader.GetInt64(i));

    private static long? Micros(DateTimeOffset? time) => time is { } t ? SqlTime.ToMicros(t) : null;

    private static async Task<int> ExecuteAsync(ISqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = SqlCommands.Create(transaction.Connection, transaction.Transaction, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
