using System.Diagnostics;
using System.IO.Compression;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// A demo population to click through (docs/ui.md, "Trying it: the demo"): 200 synthetic Japanese people made by the
/// bench generator (<c>kakehashi-bench generate --people 200 --seed 2026 --years 3 --as-of
/// 2026-11-30 --format bundles --gzip --people-per-bundle 10</c>), with their insurers,
/// institutions and staff, qualifications, visits, diagnoses, prescriptions and dispensings, labs
/// and checkups across three years — and the demo patient's consents, so that the demo hospital,
/// dental clinic and pharmacy see his record. Loaded in the background after the server starts
/// listening (about 30 s on a 2-core machine), once: a store that already holds the last person
/// is left alone, so a restart never duplicates it (a start stopped half-way loads again, the
/// generator's PUT entries only adding versions).
/// </summary>
public static class DemoPopulationSeeder
{
    public const string ResourceName = "Kakehashi.Server.Demo.demo-population.ndjson.gz";

    /// <summary>The generator's ids: <c>s2026-p0</c> … <c>s2026-p199</c>.</summary>
    public const string IdPrefix = "s2026-";

    public const int People = 200;

    public static string PatientId(int index) => IdPrefix + "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first people of the population (and the demo patient) consent to the demo institutions.</summary>
    public const int ConsentingPeople = 20;

    /// <summary>Loads the population unless the store holds it already; true when it loaded it now.</summary>
    public static async System.Threading.Tasks.Task<bool> SeedDemoPopulationAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<KakehashiOptions>>().Value;
        // The demo data switch turns off all demo data; the population has its own switch besides.
        if (!options.SeedDemoData || !options.SeedDemoPopulation)
        {
            return false;
        }

        var store = services.GetRequiredService<IResourceStore>();
        if (await store.ReadAsync("Patient", PatientId(People - 1), cancellationToken) is { IsDeleted: false })
        {
            logger.LogInformation("Demo population already present ({People} people)", People);
            return false;
        }

        var clock = Stopwatch.StartNew();
        var serializer = services.GetRequiredService<FhirSerializer>();
        var dispatcher = services.GetRequiredService<FhirDispatcher>();
        await using var stream = typeof(DemoPopulationSeeder).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The demo population is missing from the build.");
        await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var resources = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var bundle = (Bundle)serializer.ParseJson(System.Text.Encoding.UTF8.GetBytes(line));
            var request = new FhirRequest { Method = "POST", Path = "", Body = bundle, BaseUrl = "urn:kakehashi:demo", Return = ReturnPreference.Minimal };
            await dispatcher.Bundles!.ProcessAsync(bundle, request, cancellationToken);
            resources += bundle.Entry.Count;
        }

        await GiveDemoConsentsAsync(services, cancellationToken);

        logger.LogInformation("Demo population loaded: {People} people, {Resources} resources in {Seconds:F1} s", People, resources, clock.Elapsed.TotalSeconds);
        return true;
    }

    private static async System.Threading.Tasks.Task GiveDemoConsentsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var resources = services.GetRequiredService<ResourceService>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var everything = ConsentCategories.All;
        var people = Enumerable.Range(0, ConsentingPeople).Select(PatientId).Append(DemoStaffSeeder.PatientId).Distinct();
        foreach (var patient in people)
        {
            // Written by the server itself (no caller): the demo's stand-in for a consent given at the card reader.
            var hospital = ConsentDocument.Permit(patient, DemoStaffSeeder.HospitalCode, everything, now, now.AddYears(1));
            await resources.CreateAsync("Consent", hospital, null, new Writer(null, null), null, cancellationToken);
        }

        foreach (var institution in (string[])[DemoStaffSeeder.DentalClinicCode, DemoStaffSeeder.PharmacyCode])
        {
            var consent = ConsentDocument.Permit(DemoStaffSeeder.PatientId, institution, everything, now, now.AddYears(1));
            await resources.CreateAsync("Consent", consent, null, new Writer(null, null), null, cancellationToken);
        }
    }
}

/// <summary>
/// Loads the demo population after the server has started listening, as a hosted service: the
/// host waits for it (cancelled) when it stops, so a stop never pulls the store from under a load.
/// </summary>
public sealed class DemoPopulationService(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<DemoPopulationService> logger) : BackgroundService
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        try
        {
            await DemoPopulationSeeder.SeedDemoPopulationAsync(services, logger, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Loading the demo population stopped with the server; the next start loads it again");
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The type only: a message may quote the data.
            logger.LogError("Loading the demo population failed: {Error}", error.GetType().Name);
        }
    }
}
