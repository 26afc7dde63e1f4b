using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Security;

/// <summary>Disables accounts and clients unused for <see cref="SecurityOptions.InactiveDays"/>, once a day (and shortly after start).</summary>
public sealed class InactivityService(SecurityStore store, IOptions<SecurityOptions> options, ILogger<InactivityService> logger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromDays(1), time);
            do
            {
                var disabled = await store.DisableInactiveAsync(options.Value.InactiveDays, stoppingToken);
                if (disabled.Count > 0)
                {
                    logger.LogWarning("Disabled {Count} accounts or clients unused for {Days} days: {Ids}", disabled.Count, options.Value.InactiveDays, string.Join(", ", disabled));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (System.Data.Common.DbException e)
        {
            logger.LogError("The inactivity check failed: {Error}", e.GetType().Name);
        }
    }
}
