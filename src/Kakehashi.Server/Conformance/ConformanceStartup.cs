using System.Diagnostics;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Server.Conformance;

/// <summary>
/// At start: indexes the packages (logged with its duration), registers the aliases of the
/// NamingSystems stored at run time, and warms the core specification index in the background
/// so the first validation does not pay for it.
/// </summary>
public sealed class ConformanceStartup(ConformanceResolver resolver, StoredConformanceSource stored, CodeSystemAliases aliases, ILogger<ConformanceStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var catalog = resolver.Packages;
        logger.LogInformation("FHIR packages: {Count} loaded ({Resources} conformance resources) in {Milliseconds} ms: {Packages}",
            catalog.Packages.Count, catalog.Resources.Count, (long)catalog.LoadTime.TotalMilliseconds, string.Join(", ", catalog.Packages));
        var watch = Stopwatch.StartNew();
        var namingSystems = await NamingSystemLoader.LoadStoredAsync(stored, aliases, cancellationToken);
        logger.LogInformation("Stored NamingSystems: {Count} read in {Milliseconds} ms", namingSystems, watch.ElapsedMilliseconds);
        _ = Task.Run(async () =>
        {
            try
            {
                var warm = Stopwatch.StartNew();
                await resolver.WarmUpAsync();
                logger.LogInformation("Core specification indexed in {Milliseconds} ms", warm.ElapsedMilliseconds);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Warming up the core specification failed; it will be indexed on first use.");
            }
        }, CancellationToken.None);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
