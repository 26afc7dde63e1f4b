using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// Loads a handful of fictional Japanese patients so that a new user sees data at once. The
/// bundle uses conditional creates, so seeding again at every start changes nothing.
/// </summary>
public static class DemoDataSeeder
{
    public static async System.Threading.Tasks.Task SeedDemoDataAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.SeedDemoData)
        {
            return;
        }

        await using var stream = typeof(DemoDataSeeder).Assembly.GetManifestResourceStream("Kakehashi.Server.Demo.demo-bundle.json")
            ?? throw new InvalidOperationException("The demo bundle is missing from the build.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        var bundle = (Bundle)app.Services.GetRequiredService<FhirSerializer>().ParseJson(buffer.ToArray());
        var dispatcher = app.Services.GetRequiredService<FhirDispatcher>();
        var request = new FhirRequest { Method = "POST", Path = "", Body = bundle, BaseUrl = "urn:kakehashi:demo", Return = ReturnPreference.Minimal };
        var response = await dispatcher.Bundles!.ProcessAsync(bundle, request, CancellationToken.None);
        var created = response.Bundle!.Entries.Count(e => e.Response?.Status?.StartsWith("201", StringComparison.Ordinal) == true);
        var existing = response.Bundle.Entries.Count - created;
        app.Logger.LogInformation("Demo data: {Created} resources created, {Existing} already present", created, existing);
    }
}
