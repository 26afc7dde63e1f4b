namespace Kakehashi.Platform.Security;

/// <summary>
/// At start, reports every account and client whose job type its organization's kind does not
/// employ (a research body's "doctor", an insurer's "nurse"): the admin API refuses to create
/// them since attack case 66, but older databases may hold some. The access guard refuses such
/// callers on every request anyway; this tells the security administrators whom to fix.
/// </summary>
public sealed class JobTypeReport(SecurityStore store, ILogger<JobTypeReport> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var kinds = (await store.ListOrganizationsAsync(stoppingToken)).ToDictionary(o => o.Code, o => o.Kind, StringComparer.Ordinal);
            var accounts = (await store.ListAccountsAsync(null, stoppingToken))
                .Where(a => a.DisabledAt is null && !Employed(kinds, a.OrganizationCode, a.JobType))
                .Select(a => $"account {a.Id} ({a.JobType} of {a.OrganizationCode})");
            var clients = (await store.ListClientsAsync(null, stoppingToken))
                .Where(c => c.DisabledAt is null && !Employed(kinds, c.OrganizationCode, c.Role))
                .Select(c => $"client {c.ClientId} ({c.Role} of {c.OrganizationCode})");
            var violations = accounts.Concat(clients).ToList();
            if (violations.Count > 0)
            {
                logger.LogWarning("{Count} accounts or clients act in a job type their organization does not employ and are refused on every request; disable them or register them correctly: {Which}",
                    violations.Count, string.Join("; ", violations));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (System.Data.Common.DbException e)
        {
            logger.LogError("The job type report failed: {Error}", e.GetType().Name);
        }
    }

    private static bool Employed(Dictionary<string, string> kinds, string organization, string jobType) =>
        kinds.TryGetValue(organization, out var kind) && KnownOrganizationKinds.Employs(kind, jobType);
}
