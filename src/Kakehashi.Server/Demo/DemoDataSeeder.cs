using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// Loads a handful of fictional Japanese patients so that a new user sees data at once, and for
/// the first (山田 太郎) a qualification, two claims and his consent for the demo hospital, so
/// that the staff UI's eligibility check and history views show something. The bundles use
/// conditional creates, so seeding again at every start changes nothing.
/// </summary>
public static class DemoDataSeeder
{
    public static async System.Threading.Tasks.Task SeedDemoDataAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.SeedDemoData)
        {
            return;
        }

        // The second bundle needs the first: its qualification and claims name the insurer registered there.
        foreach (var name in (string[])["demo-bundle.json", "demo-history-bundle.json"])
        {
            await SeedBundleAsync(app, name);
        }
    }

    private static async System.Threading.Tasks.Task SeedBundleAsync(WebApplication app, string name)
    {
        await using var stream = typeof(DemoDataSeeder).Assembly.GetManifestResourceStream("Kakehashi.Server.Demo." + name)
            ?? throw new InvalidOperationException($"The demo bundle {name} is missing from the build.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        var bundle = (Bundle)app.Services.GetRequiredService<FhirSerializer>().ParseJson(buffer.ToArray());
        var dispatcher = app.Services.GetRequiredService<FhirDispatcher>();
        var request = new FhirRequest { Method = "POST", Path = "", Body = bundle, BaseUrl = "urn:kakehashi:demo", Return = ReturnPreference.Minimal };
        var response = await dispatcher.Bundles!.ProcessAsync(bundle, request, CancellationToken.None);
        var created = response.Bundle!.Entries.Count(e => e.Response?.Status?.StartsWith("201", StringComparison.Ordinal) == true);
        var existing = response.Bundle.Entries.Count - created;
        app.Logger.LogInformation("Demo data ({Bundle}): {Created} resources created, {Existing} already present", name, created, existing);
    }
}
