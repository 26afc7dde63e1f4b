using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Prescriptions.Signing;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>Electronic prescriptions (電子処方箋): drug master, signed lifecycle, duplicate and contraindication check (docs/prescriptions.md).</summary>
public static class PrescriptionsExtensions
{
    public static WebApplicationBuilder AddPrescriptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("prescriptions", typeof(PrescriptionsExtensions).Assembly));
        services.AddOptions<PrescriptionOptions>().Bind(builder.Configuration.GetSection(PrescriptionOptions.Section));
        services.AddSingleton(sp => new PrescriptionClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DrugMasterProvider>();
        services.AddSingleton<Kakehashi.Platform.Services.IDrugCodeDirectory, DrugCodeDirectory>();
        services.AddSingleton<PrescriptionStore>();
        services.AddSingleton<PrescriptionSettings>();
        services.AddSingleton<MedicationChecker>();
        services.AddSingleton<PrescriptionValidator>();
        services.AddSingleton<PrescriptionJson>();
        services.AddSingleton(CreateSignatures);
        services.AddSingleton<PrescriptionService>();
        services.AddSingleton<DemoSigning>();
        services.AddSingleton<IResourceWriteObserver, DispensingCourseObserver>();
        return builder;
    }

    public static WebApplication MapPrescriptions(this WebApplication app)
    {
        app.MapPrescriptionEndpoints();
        return app;
    }

    /// <summary>The demo's HPKI test authority, in the data directory beside the demo card's.</summary>
    public static string DemoAuthorityPath(string dataDirectory) => Path.Combine(dataDirectory, "demo", "hpki-test-authority.pem");

    private static PrescriptionSignatures CreateSignatures(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PrescriptionOptions>>().Value;
        var dataDirectory = services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
        var anchors = TrustAnchors.Load(options.TrustAnchors);
        if (options.DemoAuthority || services.GetRequiredService<IOptions<KakehashiOptions>>().Value.SeedDemoData)
        {
            using var authority = HpkiTestAuthority.LoadOrCreate(DemoAuthorityPath(dataDirectory), services.GetRequiredService<TimeProvider>().GetUtcNow());
            anchors.Add(authority.TrustAnchor());
        }

        var intermediates = TrustAnchors.Load(options.Intermediates).Cast<X509Certificate2>().ToList();
        var pem = string.IsNullOrWhiteSpace(options.TimeStampKeyPem)
            ? ServerKeys.ReadOrCreate(Path.Combine(dataDirectory, "prescriptions", "time-stamp-key.pem"), () =>
            {
                using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                return generated.ExportPkcs8PrivateKeyPem();
            })
            : options.TimeStampKeyPem;
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new PrescriptionSignatures(anchors, intermediates, key, services.GetRequiredService<SqlDialect>(), services.GetRequiredService<PrescriptionClock>());
    }
}
