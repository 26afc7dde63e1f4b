using System.Data.Common;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.BulkExport;

/// <summary>
/// Runs queued exports one at a time under the identity of the caller that kicked them off: the
/// caller's access restriction (consent, emergency grants) is computed when the job runs and
/// carried into every query. Files are committed with the position they reach, so a job resumes
/// after a restart where it stopped; a job deleted meanwhile (cancelled) stops at its next file.
/// Jobs older than <see cref="ExportOptions.RetentionHours"/> are purged with their files.
/// </summary>
public sealed class ExportWorker(
    ExportJobs jobs, SqlDialect dialect, AccessRestrictions restrictions, IOptions<ExportOptions> options, TimeProvider time, ILogger<ExportWorker> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);
    private DateTimeOffset nextPurge = DateTimeOffset.MinValue;

    /// <summary>A job was kicked off: look now rather than at the next poll.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await jobs.ClaimAsync(stoppingToken) is not { } job)
                {
                    await PurgeIfDueAsync(stoppingToken);
                    await wake.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                    continue;
                }

                try
                {
                    await RunAsync(job, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The type only: messages may quote stored content. The caller sees the job failed.
                    logger.LogError("Export job failed: {ExceptionType}", e.GetType().Name);
                    await jobs.FinishAsync(job.Id, "The export stopped on an internal error; start it again.", stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The type only: messages may quote stored content. The job's lease expires and it is retried.
                logger.LogError("Export worker: {ExceptionType}", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    private async Task RunAsync(ExportJob job, CancellationToken cancellationToken)
    {
        var caller = JobCaller.Deserialize(job.Caller);
        var restriction = (await restrictions.ForAsync(caller, cancellationToken)).Restriction;
        var perFile = options.Value.ResourcesPerFile;
        // Types before the cursor's are done; of the cursor's type, the ids up to the cursor's.
        foreach (var type in job.Types.Where(t => string.CompareOrdinal(t, job.CursorType) >= 0))
        {
            var after = type == job.CursorType ? job.CursorId : "";
            using var file = new MemoryStream();
            var count = 0;
            var patients = new HashSet<string>(StringComparer.Ordinal);
            var lastRenewal = time.GetUtcNow();
            while (true)
            {
                var page = await PageAsync(job, type, after, restriction, cancellationToken);
                foreach (var (id, key, data) in page)
                {
                    file.Write(data);
                    file.WriteByte((byte)'\n');
                    count++;
                    after = id;
                    if (key.StartsWith("Patient/", StringComparison.Ordinal) && key.Length > "Patient/".Length)
                    {
                        patients.Add(key);
                    }

                    if (count == perFile)
                    {
                        if (!await jobs.AddFileAsync(job.Id, type, count, patients, file.ToArray(), after, cancellationToken))
                        {
                            return;
                        }

                        (count, lastRenewal) = (0, time.GetUtcNow());
                        file.SetLength(0);
                        patients.Clear();
                    }
                }

                if (page.Count < ExportQuery.PageSize)
                {
                    break;
                }

                if (time.GetUtcNow() - lastRenewal > ExportJobs.Lease / 4)
                {
                    if (!await jobs.RenewAsync(job.Id, cancellationToken))
                    {
                        return;
                    }

                    lastRenewal = time.GetUtcNow();
                }
            }

            if (count > 0 && !await jobs.AddFileAsync(job.Id, type, count, patients, file.ToArray(), after, cancellationToken))
            {
                return;
            }
        }

        await jobs.FinishAsync(job.Id, null, cancellationToken);
    }

    private async Task<List<(string Id, string Key, byte[] Data)>> PageAsync(ExportJob job, string type, string after, AccessRestriction? restriction, CancellationToken cancellationToken)
    {
        var statement = ExportQuery.Page(job, type, after, restriction);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, statement.Text);
        foreach (var (name, value) in statement.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, string, byte[])>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return rows;
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < nextPurge)
        {
            return;
        }

        nextPurge = now.AddHours(1);
        await jobs.PurgeAsync(now.AddHours(-options.Value.RetentionHours), cancellationToken);
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
