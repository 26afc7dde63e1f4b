using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Hosting;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// The job tables (<c>eligibility_jobs</c>, <c>eligibility_job_rows</c>). A server claims a job
/// with a lease it renews at every batch, so a job survives a restart and two servers never run
/// the same one; progress is committed with the rows it counts.
/// </summary>
public sealed class EligibilityJobs(SqlDialect dialect, TimeProvider time)
{
    public static readonly TimeSpan Lease = JobLeases.Lease;

    private const string Columns = "id, kind, format, organization_code, submitted_by, caller, status, total, processed, succeeded, failed, created_at, completed_at, error";

    /// <summary>Queues a job for <paramref name="caller"/>; its id is random (also the reception number of a pre-check).</summary>
    public async Task<EligibilityJob> CreateAsync(string kind, string format, Kakehashi.Fhir.Security.AccessContext caller, int total, byte[] input, CancellationToken cancellationToken)
    {
        var created = time.GetUtcNow();
        var job = new EligibilityJob(
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)), kind, format, caller.OrganizationCode ?? "", caller.Subject,
            JobCaller.Serialize(caller), EligibilityJob.Queued, total, 0, 0, 0, created, null, null);
        var now = SqlTime.ToMicros(created);
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var command = SqlCommands.Create(unit.Connection, unit.Transaction,
            "INSERT INTO eligibility_jobs (" + Columns + ", updated_at, lease_until, input) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, 0, 0, 0, @p8, NULL, NULL, @p8, NULL, @p9)",
            job.Id, job.Kind, job.Format, job.OrganizationCode, job.SubmittedBy, job.Caller, EligibilityJob.Queued, job.Total, now, input))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        return job;
    }

    public async Task<EligibilityJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT " + Columns + " FROM eligibility_jobs WHERE id = @p0", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Takes the oldest job that is queued, or running under an expired lease (its server stopped); null when none.</summary>
    public async Task<(EligibilityJob Job, byte[] Input)?> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var id in await JobLeases.ClaimableAsync(dialect, "eligibility_jobs", SqlTime.ToMicros(now), cancellationToken))
        {
            await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
            var claimed = await JobLeases.TryClaimAsync(unit, "eligibility_jobs", id, now, cancellationToken);
            byte[]? input = null;
            EligibilityJob? job = null;
            if (claimed)
            {
                await using var select = SqlCommands.Create(unit.Connection, unit.Transaction, "SELECT " + Columns + ", input FROM eligibility_jobs WHERE id = @p0", id);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    job = Read(reader);
                    input = reader.IsDBNull(14) ? [] : (byte[])reader.GetValue(14);
                }
            }

            await unit.CommitAsync(cancellationToken);
            if (job is not null)
            {
                return (job, input!);
            }
        }

        return null;
    }

    /// <summary>Counts a batch and stores its rows' outcomes, in the caller's transaction (with the rows' writes); renews the lease.</summary>
    public async Task ProgressAsync(ISqlTransaction tx, string id, int processed, int succeeded, int failed, IReadOnlyList<EligibilityJobRow> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var update = SqlCommands.Create(tx.Connection, tx.Transaction,
            "UPDATE eligibility_jobs SET processed = processed + @p1, succeeded = succeeded + @p2, failed = failed + @p3, updated_at = @p4, lease_until = @p5 WHERE id = @p0",
            id, processed, succeeded, failed, SqlTime.ToMicros(now), SqlTime.ToMicros(now + Lease)))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var row in rows)
        {
            await using var insert = SqlCommands.Create(tx.Connection, tx.Transaction,
                "INSERT INTO eligibility_job_rows (job_id, row_number, outcome, detail) VALUES (@p0, @p1, @p2, @p3)", id, row.Row, row.Outcome, row.Detail);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Marks the job done (or failed, with a reason) and drops its input.</summary>
    public async Task FinishAsync(string id, string? error, CancellationToken cancellationToken)
    {
        var now = SqlTime.ToMicros(time.GetUtcNow());
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var command = SqlCommands.Create(unit.Connection, unit.Transaction,
            "UPDATE eligibility_jobs SET status = @p1, completed_at = @p2, updated_at = @p2, error = @p3, input = NULL, lease_until = NULL WHERE id = @p0",
            id, error is null ? EligibilityJob.Completed : EligibilityJob.FailedStatus, now, error))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
    }

    public async Task<List<EligibilityJobRow>> RowsAsync(string id, int offset, int count, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null,
            "SELECT row_number, outcome, detail FROM eligibility_job_rows WHERE job_id = @p0 AND row_number > @p1 ORDER BY row_number LIMIT " + count.ToString(CultureInfo.InvariantCulture),
            id, offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<EligibilityJobRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new EligibilityJobRow(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>Deletes jobs finished before <paramref name="before"/>, with their rows.</summary>
    public async Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var cutoff = SqlTime.ToMicros(before);
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var rows = SqlCommands.Create(unit.Connection, unit.Transaction,
            "DELETE FROM eligibility_job_rows WHERE job_id IN (SELECT id FROM eligibility_jobs WHERE completed_at < @p0)", cutoff))
        {
            await rows.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var jobs = SqlCommands.Create(unit.Connection, unit.Transaction, "DELETE FROM eligibility_jobs WHERE completed_at < @p0", cutoff))
        {
            await jobs.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
    }

    private static EligibilityJob Read(DbDataReader r)
    {
        long L(int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
        return new EligibilityJob(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            (int)L(7), (int)L(8), (int)L(9), (int)L(10), SqlTime.FromMicros(L(11)), r.IsDBNull(12) ? null : SqlTime.FromMicros(L(12)), r.IsDBNull(13) ? null : r.GetString(13));
    }
}
