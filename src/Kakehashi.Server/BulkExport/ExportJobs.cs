using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Platform.Hosting;

namespace Kakehashi.Server.BulkExport;

/// <summary>
/// The tables <c>export_jobs</c> and <c>export_files</c>. A worker claims a job with a lease it
/// renews as it goes, so a job survives a restart and two servers never run the same one; each
/// file is committed together with the position it reaches, so a resumed job neither repeats nor
/// skips a resource. Deleting a job (a cancel) removes its files in the same transaction.
/// </summary>
public sealed class ExportJobs(SqlDialect dialect, TimeProvider time)
{
    public static readonly TimeSpan Lease = JobLeases.Lease;

    private const string Columns =
        "id, owner, caller, request_url, level, patients, types, since_us, status, transaction_time, cursor_type, cursor_id, exported, created_at, error";

    public async Task CreateAsync(ExportJob job, CancellationToken cancellationToken)
    {
        var now = SqlTime.ToMicros(time.GetUtcNow());
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var command = SqlCommands.Create(unit.Connection, unit.Transaction,
            "INSERT INTO export_jobs (" + Columns + ", updated_at, lease_until) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, '', '', 0, @p10, NULL, @p10, NULL)",
            job.Id, job.Owner, job.Caller, job.RequestUrl, job.Level, job.Patients is null ? null : string.Join(',', job.Patients), string.Join(',', job.Types),
            job.Since is { } since ? SqlTime.ToMicros(since) : null, ExportJob.Queued, SqlTime.ToMicros(job.TransactionTime), now))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
    }

    public async Task<ExportJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT " + Columns + " FROM export_jobs WHERE id = @p0", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Takes the oldest job that is queued, or running under an expired lease (its server stopped); null when none.</summary>
    public async Task<ExportJob?> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var id in await JobLeases.ClaimableAsync(dialect, "export_jobs", SqlTime.ToMicros(now), cancellationToken))
        {
            bool claimed;
            await using (var unit = await dialect.BeginWriteUnitAsync(cancellationToken))
            {
                claimed = await JobLeases.TryClaimAsync(unit, "export_jobs", id, now, cancellationToken);
                await unit.CommitAsync(cancellationToken);
            }

            if (claimed && await FindAsync(id, cancellationToken) is { } job)
            {
                return job;
            }
        }

        return null;
    }

    /// <summary>
    /// Stores a file and the position it reaches, renewing the lease; false when the job is no
    /// longer this worker's to run (cancelled meanwhile): then nothing is stored.
    /// </summary>
    public async Task<bool> AddFileAsync(string id, string resourceType, long count, IReadOnlyCollection<string> patients, byte[] data, string cursorId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var update = SqlCommands.Create(unit.Connection, unit.Transaction,
            "UPDATE export_jobs SET cursor_type = @p1, cursor_id = @p2, exported = exported + @p3, updated_at = @p4, lease_until = @p5 WHERE id = @p0 AND status = @p6",
            id, resourceType, cursorId, count, SqlTime.ToMicros(now), SqlTime.ToMicros(now + Lease), ExportJob.Running))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        long seq;
        await using (var next = SqlCommands.Create(unit.Connection, unit.Transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM export_files WHERE job_id = @p0", id))
        {
            seq = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        await using (var insert = SqlCommands.Create(unit.Connection, unit.Transaction,
            "INSERT INTO export_files (job_id, seq, resource_type, resources, patients, data) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)",
            id, (int)seq, resourceType, count, string.Join(',', patients.Order(StringComparer.Ordinal)), data))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Renews the lease while a worker reads without finding anything to write; false when the job was cancelled.</summary>
    public async Task<bool> RenewAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        int renewed;
        await using (var update = SqlCommands.Create(unit.Connection, unit.Transaction,
            "UPDATE export_jobs SET lease_until = @p1, updated_at = @p2 WHERE id = @p0 AND status = @p3",
            id, SqlTime.ToMicros(now + Lease), SqlTime.ToMicros(now), ExportJob.Running))
        {
            renewed = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        return renewed == 1;
    }

    public async Task FinishAsync(string id, string? error, CancellationToken cancellationToken)
    {
        var now = SqlTime.ToMicros(time.GetUtcNow());
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var command = SqlCommands.Create(unit.Connection, unit.Transaction,
            "UPDATE export_jobs SET status = @p1, error = @p2, updated_at = @p3, lease_until = NULL WHERE id = @p0 AND status = @p4",
            id, error is null ? ExportJob.Completed : ExportJob.Failed, error, now, ExportJob.Running))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes a job and its files (a cancel, or the purge); false when there was no such job.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var files = SqlCommands.Create(unit.Connection, unit.Transaction, "DELETE FROM export_files WHERE job_id = @p0", id))
        {
            await files.ExecuteNonQueryAsync(cancellationToken);
        }

        int deleted;
        await using (var job = SqlCommands.Create(unit.Connection, unit.Transaction, "DELETE FROM export_jobs WHERE id = @p0", id))
        {
            deleted = await job.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task<List<ExportFile>> FilesAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT seq, resource_type, resources FROM export_files WHERE job_id = @p0 ORDER BY seq", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var files = new List<ExportFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            files.Add(new ExportFile(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return files;
    }

    /// <summary>A file's patients (for the audit trail) and content; null when there is no such file.</summary>
    public async Task<(IReadOnlyList<string> Patients, byte[] Data)?> FileAsync(string id, int seq, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT patients, data FROM export_files WHERE job_id = @p0 AND seq = @p1", id, seq);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetString(0).Split(',', StringSplitOptions.RemoveEmptyEntries), (byte[])reader.GetValue(1));
    }

    /// <summary>Deletes the jobs kicked off before <paramref name="before"/>, with their files.</summary>
    public async Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using (var connection = await dialect.OpenConnectionAsync(cancellationToken))
        await using (var command = SqlCommands.Create(connection, null, "SELECT id FROM export_jobs WHERE created_at < @p0", SqlTime.ToMicros(before)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        foreach (var id in ids)
        {
            await DeleteAsync(id, cancellationToken);
        }
    }

    private static ExportJob Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5).Split(',', StringSplitOptions.RemoveEmptyEntries),
        r.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries),
        r.IsDBNull(7) ? null : SqlTime.FromMicros(Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture)),
        r.GetString(8),
        SqlTime.FromMicros(Convert.ToInt64(r.GetValue(9), CultureInfo.InvariantCulture)),
        r.GetString(10),
        r.GetString(11),
        Convert.ToInt64(r.GetValue(12), CultureInfo.InvariantCulture),
        SqlTime.FromMicros(Convert.ToInt64(r.GetValue(13), CultureInfo.InvariantCulture)),
        r.IsDBNull(14) ? null : r.GetString(14));
}
