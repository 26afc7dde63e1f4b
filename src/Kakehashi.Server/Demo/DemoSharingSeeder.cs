using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Sharing.Documents;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// Information-sharing demo data: one referral letter (the JP-CLINS guide's example, rewritten for
/// 山田 太郎) from 架け橋デモクリニック to the demo hospital, submitted through the document service's
/// own write path as the clinic's doctor would, so that 文書受信箱 shows it. Seeded once: a store
/// whose clinic already sent a document is left alone (a second submission would be a correction).
/// </summary>
public static class DemoSharingSeeder
{
    private const string YamadaIdentifier = "urn:oid:1.2.392.100495.20.3.51.11311234569|00000001";

    public static Task SeedDemoSharingAsync(this WebApplication app) => SeedAsync(app.Services, app.Logger);

    /// <summary>Seeds what is missing; run again (every start does) it changes nothing.</summary>
    public static async Task SeedAsync(IServiceProvider services, ILogger logger)
    {
        if (!services.GetRequiredService<IOptions<KakehashiOptions>>().Value.SeedDemoData)
        {
            return;
        }

        var clinicDoctor = new AccessContext
        {
            Subject = "demo-clinic-doctor",
            Kind = CallerKind.System,
            Role = KnownRoles.Doctor,
            OrganizationCode = DemoStaffSeeder.ClinicCode,
            OrganizationKind = KnownOrganizationKinds.Clinic,
        };
        var documents = services.GetRequiredService<DocumentService>();
        if ((await documents.SentAsync(clinicDoctor, CancellationToken.None)).Count > 0)
        {
            return;
        }

        var patient = await FindPatientAsync(services.GetRequiredService<FhirDispatcher>());
        if (patient is null)
        {
            return;
        }

        await using var stream = typeof(DemoSharingSeeder).Assembly.GetManifestResourceStream("Kakehashi.Server.Demo.demo-referral.json")
            ?? throw new InvalidOperationException("The demo referral is missing from the build.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        await documents.SubmitAsync(clinicDoctor, patient, null, buffer.ToArray(), CancellationToken.None);
        logger.LogInformation("Demo data: a referral letter for the demo hospital's document inbox");
    }

    private static async Task<string?> FindPatientAsync(FhirDispatcher dispatcher)
    {
        var request = new FhirRequest { Method = "GET", Path = "Patient", Query = [new("identifier", YamadaIdentifier)], BaseUrl = "urn:kakehashi:demo" };
        var response = await dispatcher.DispatchAsync(request, null, CancellationToken.None);
        return response.Bundle?.Entries.Where(e => e.SearchMode == Hl7.Fhir.Model.Bundle.SearchEntryMode.Match).Select(e => e.Stored?.Id).FirstOrDefault(id => id is not null);
    }
}
