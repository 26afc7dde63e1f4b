using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Runs the queued uploads and pre-checks one at a time, picking up after a restart where the
/// committed progress says; purges finished jobs after <see cref="EligibilityOptions.JobRetentionDays"/>.
/// </summary>
public sealed class EligibilityJobWorker(
    EligibilityJobs jobs, UploadProcessor uploads, PrecheckProcessor prechecks, IOptions<EligibilityOptions> options, TimeProvider time, ILogger<EligibilityJobWorker> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);
    private DateTimeOffset nextPurge = DateTimeOffset.MinValue;

    /// <summary>A job was submitted: look now rather than at the next poll.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await jobs.ClaimAsync(stoppingToken);
                if (claimed is not { } work)
                {
                    await PurgeIfDueAsync(stoppingToken);
                    await wake.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                    continue;
                }

                await RunAsync(work.Job, work.Input, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The type only: messages may quote uploaded content. The job's lease expires and it is retried.
                logger.LogError("Eligibility job worker: {ExceptionType}", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    private async Task RunAsync(EligibilityJob job, byte[] input, CancellationToken stoppingToken)
    {
        var caller = JobCaller.Deserialize(job.Caller);
        try
        {
            if (job.Kind == EligibilityJob.Upload)
            {
                await uploads.RunAsync(job, input, caller, stoppingToken);
            }
            else
            {
                await prechecks.RunAsync(job, input, caller, stoppingToken);
            }

            await jobs.FinishAsync(job.Id, null, stoppingToken);
        }
        catch (FhirException e)
        {
            // The file as a whole cannot be read any more (checked at submission, so rare).
            await jobs.FinishAsync(job.Id, e.Message, stoppingToken);
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < nextPurge)
        {
            return;
        }

        nextPurge = now.AddHours(1);
        await jobs.PurgeAsync(now.AddDays(-options.Value.JobRetentionDays), cancellationToken);
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
