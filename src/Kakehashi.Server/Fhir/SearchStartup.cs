using Kakehashi.Fhir.Search;

namespace Kakehashi.Server.Fhir;

/// <summary>
/// At start: registers the SearchParameters stored at run time (so they survive a restart) and
/// resumes the <c>$reindex</c> jobs a previous process left unfinished; at stop, pauses them.
/// </summary>
public sealed partial class SearchStartup(ReindexJobs jobs, StoredSearchParameters stored, ILogger<SearchStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var registered = await stored.LoadAsync(cancellationToken);
        var resumed = await jobs.ResumeAsync(cancellationToken);
        LogStarted(logger, registered, resumed);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await jobs.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Search: {Registered} stored SearchParameters registered, {Resumed} reindex jobs resumed")]
    private static partial void LogStarted(ILogger logger, int registered, int resumed);
}
