using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Audit;

/// <summary>
/// The append-only, hash-chained audit trail (table <c>audit_log</c>). Each row's hash is
/// SHA-256 over the previous row's hash and this row's fields, and rows are numbered without
/// gaps, so <see cref="VerifyAsync"/> finds any row altered, inserted or removed. Appends are
/// serialized (an advisory lock on PostgreSQL; SQLite has one writer) and read the chain's head
/// under that serialization, never from memory, so the chain stays contiguous however many
/// servers share the database.
/// </summary>
public sealed class AuditLog : IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock key that serializes chain appends on PostgreSQL.</summary>
    private const long ChainLockKey = 7420502;

    private const string Columns =
        "chain_index, recorded_at, request_id, agent, agent_kind, client_id, organization, job_type, patient, action, interaction, resource, query, outcome, purpose, emergency, reason, hash";

    private const string InsertSql =
        "INSERT INTO audit_log (" + Columns + ") VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)";

    private readonly SqlDialect dialect;
    private readonly AuditBatchWriter batches;

    public AuditLog(SqlDialect dialect)
    {
        this.dialect = dialect;
        batches = new AuditBatchWriter(AppendInOwnTransactionAsync);
    }

    /// <summary>
    /// Appends the rows of a read, search or refusal in a transaction of its own, shared with
    /// the rows of other requests arriving at the same time (<see cref="AuditBatchWriter"/>).
    /// Completes only once the rows are durably committed, so a response sent after it has its
    /// audit row; throws if they could not be stored, which fails the request.
    /// </summary>
    public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken) =>
        records.Count == 0 ? Task.CompletedTask : batches.AppendAsync(records, cancellationToken);

    /// <summary>Appends inside the caller's transaction: the rows commit or roll back with the change they record.</summary>
    public Task AppendAsync(ISqlTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken) =>
        records.Count == 0 ? Task.CompletedTask : AppendAsync(transaction.Connection, transaction.Transaction, records, cancellationToken);

    /// <summary>Writes what is still queued, then stops.</summary>
    public ValueTask DisposeAsync() => batches.DisposeAsync();

    public void Dispose() => batches.Dispose();

    private async Task AppendInOwnTransactionAsync(IReadOnlyList<AuditRecord> records)
    {
        // A write unit like any other (on SQLite it joins the group commit of concurrent writers).
        await using var unit = await dialect.BeginWriteUnitAsync(CancellationToken.None);
        await AppendAsync(unit.Connection, unit.Transaction, records, CancellationToken.None);
        await unit.CommitAsync(CancellationToken.None);
    }

    private async Task AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var (index, previous) = await LockAndReadHeadAsync(connection, transaction, cancellationToken);
        var rows = new List<object?[]>(records.Count);
        foreach (var record in records)
        {
            index++;
            previous = Hash(previous, index, record);
            rows.Add(
            [
                index, SecurityStore.Micros(record.RecordedAt), record.RequestId, record.Agent, record.AgentKind, record.ClientId, record.Organization,
                record.JobType, record.Patient, record.Action, record.Interaction, record.Resource, record.Query, record.Outcome, record.Purpose,
                record.Emergency ? 1 : 0, record.Reason, previous,
            ]);
        }

        await InsertAsync(connection, transaction, rows, cancellationToken);
    }

    /// <summary>
    /// Takes the chain lock (where the dialect needs one) and reads the chain's last index and
    /// hash. On PostgreSQL both go in one round trip: the head is read by a statement of its own
    /// after the lock is granted, so at READ COMMITTED it sees every row committed before that.
    /// </summary>
    private async Task<(long Index, string Hash)> LockAndReadHeadAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        const string HeadSql = "SELECT chain_index, hash FROM audit_log ORDER BY chain_index DESC LIMIT 1";
        if (dialect.TransactionLockSql is { } batchedLockSql && connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            var lockCommand = batch.CreateBatchCommand();
            lockCommand.CommandText = batchedLockSql;
            var key = lockCommand.CreateParameter();
            key.ParameterName = "@p0";
            key.Value = ChainLockKey;
            lockCommand.Parameters.Add(key);
            batch.BatchCommands.Add(lockCommand);
            var headCommand = batch.CreateBatchCommand();
            headCommand.CommandText = HeadSql;
            batch.BatchCommands.Add(headCommand);
            await batch.PrepareAsync(cancellationToken);
            await using var batchReader = await batch.ExecuteReaderAsync(cancellationToken);
            // The lock's own result comes first.
            await batchReader.NextResultAsync(cancellationToken);
            return await ReadHeadAsync(batchReader, cancellationToken);
        }

        if (dialect.TransactionLockSql is { } lockSql)
        {
            await using var lockCommand = SqlCommands.Create(connection, transaction, lockSql, ChainLockKey);
            await lockCommand.ExecuteScalarAsync(cancellationToken);
        }

        await using var head = SqlCommands.Create(connection, transaction, HeadSql);
        await using var reader = await head.ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }

    private static async Task<(long Index, string Hash)> ReadHeadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1))
            : (0, "");

    /// <summary>
    /// Where the dialect takes array parameters (PostgreSQL), every row in one statement: one
    /// array per column, turned back into rows by <c>unnest</c> — one statement to plan, however
    /// many requests share the batch. Otherwise one prepared single-row INSERT executed per row
    /// (SQLite runs in process, so a statement costs no round trip; a long multi-row statement
    /// would instead cost parameter binding that grows with the square of its parameters).
    /// </summary>
    private async Task InsertAsync(DbConnection connection, DbTransaction transaction, List<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count > 1 && dialect.SupportsArrayParameters)
        {
            await using var command = SqlCommands.Create(connection, transaction, InsertFromArraysSql, ColumnArrays(rows));
            await command.PrepareAsync(cancellationToken);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var insert = SqlCommands.Create(connection, transaction, InsertSql, rows[0]);
        await insert.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                insert.Parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // The SQL types of the columns in Columns' order; the arrays of ColumnArrays match them.
    private static readonly string[] ColumnTypes =
        ["bigint", "bigint", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "integer", "text", "smallint", "text", "text"];

    private static readonly string InsertFromArraysSql =
        "INSERT INTO audit_log (" + Columns + ") SELECT * FROM unnest(" +
        string.Join(", ", ColumnTypes.Select((type, i) => "@p" + i.ToString(CultureInfo.InvariantCulture) + "::" + type + "[]")) + ")";

    /// <summary>The rows turned into one typed array per column (nulls stay nulls).</summary>
    private static object[] ColumnArrays(List<object?[]> rows)
    {
        var columns = new object[ColumnTypes.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = ColumnTypes[c] switch
            {
                "bigint" => rows.Select(r => Convert.ToInt64(r[c], CultureInfo.InvariantCulture)).ToArray(),
                "integer" => rows.Select(r => Convert.ToInt32(r[c], CultureInfo.InvariantCulture)).ToArray(),
                "smallint" => rows.Select(r => Convert.ToInt16(r[c], CultureInfo.InvariantCulture)).ToArray(),
                _ => rows.Select(r => (string?)r[c]).ToArray(),
            };
        }

        return columns;
    }

    /// <summary>Recomputes the chain from the first row; reports the first row that does not fit.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT " + Columns + " FROM audit_log ORDER BY chain_index");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long expected = 0;
        var previous = "";
        while (await reader.ReadAsync(cancellationToken))
        {
            var entry = Read(reader);
            expected++;
            if (entry.Index != expected)
            {
                return new AuditVerification(false, expected - 1, previous, expected,
                    $"Row {expected.ToString(CultureInfo.InvariantCulture)} is missing (the next row is {entry.Index.ToString(CultureInfo.InvariantCulture)}).");
            }

            var hash = Hash(previous, entry.Index, entry.Record);
            if (!string.Equals(hash, entry.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, expected - 1, previous, entry.Index,
                    $"Row {entry.Index.ToString(CultureInfo.InvariantCulture)} was altered or inserted: its hash does not follow from the chain.");
            }

            previous = hash;
        }

        return new AuditVerification(true, expected, expected == 0 ? null : previous, null,
            $"{expected.ToString(CultureInfo.InvariantCulture)} rows, chain intact; head {(expected == 0 ? "-" : previous)}.");
    }

    /// <summary>Newest first; any filter may be null.</summary>
    public Task<List<AuditEntry>> SearchAsync(string? patient, string? agent, string? organization, DateTimeOffset? since, int count, CancellationToken cancellationToken) =>
        SearchAsync(new AuditQuery { Patient = patient, Agent = agent, Organization = organization, Since = since, Count = count }, cancellationToken);

    /// <summary>Newest first, a page of <see cref="AuditQuery.Count"/> rows before <see cref="AuditQuery.Before"/> (a chain index) when given.</summary>
    public async Task<List<AuditEntry>> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var values = new List<object?>();
        void Add(string condition, object? value)
        {
            where.Add(condition.Replace("@v", "@p" + values.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            values.Add(value);
        }

        if (query.Patient is not null)
        {
            Add("patient = @v", query.Patient);
        }

        if (query.Agent is not null)
        {
            Add("agent = @v", query.Agent);
        }

        if (query.Organization is not null)
        {
            Add("organization = @v", query.Organization);
        }

        if (query.Since is { } from)
        {
            Add("recorded_at >= @v", SecurityStore.Micros(from));
        }

        if (query.Until is { } until)
        {
            Add("recorded_at < @v", SecurityStore.Micros(until));
        }

        if (query.Failed is { } failed)
        {
            Add(failed ? "outcome >= @v" : "outcome < @v", 400);
        }

        if (query.Emergency is { } emergency)
        {
            Add("emergency = @v", emergency ? 1 : 0);
        }

        if (query.Before is { } before)
        {
            Add("chain_index < @v", before);
        }

        var count = query.Count;
        var sql = "SELECT " + Columns + " FROM audit_log" + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) +
                  " ORDER BY chain_index DESC LIMIT " + Math.Clamp(count, 1, 1000).ToString(CultureInfo.InvariantCulture);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, sql, [.. values]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    public static string Hash(string previous, long index, AuditRecord r)
    {
        var fields = JsonSerializer.Serialize(new object?[]
        {
            index, SecurityStore.Micros(r.RecordedAt), r.RequestId, r.Agent, r.AgentKind, r.ClientId, r.Organization, r.JobType, r.Patient,
            r.Action, r.Interaction, r.Resource, r.Query, r.Outcome, r.Purpose, r.Emergency, r.Reason,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + fields)));
    }

    private static AuditEntry Read(DbDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        long L(int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
        var record = new AuditRecord(
            SecurityStore.FromMicros(L(1)), r.GetString(2), r.GetString(3), r.GetString(4), S(5), S(6), r.GetString(7), S(8), r.GetString(9),
            r.GetString(10), r.GetString(11), S(12), (int)L(13), r.GetString(14), L(15) != 0, S(16));
        return new AuditEntry(L(0), record, r.GetString(17));
    }
}
