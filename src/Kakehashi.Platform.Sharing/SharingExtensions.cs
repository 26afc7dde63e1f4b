using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Sharing.ClinicalItems;
using Kakehashi.Platform.Sharing.Documents;

namespace Kakehashi.Platform.Sharing;

/// <summary>
/// EHR information sharing (電子カルテ情報共有サービス): the three documents, the six clinical
/// items, the patient summary and the emergency summary (docs/sharing.md).
/// </summary>
public static class SharingExtensions
{
    public static WebApplicationBuilder AddSharing(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("sharing", typeof(SharingExtensions).Assembly));
        services.AddOptions<SharingOptions>().Bind(builder.Configuration.GetSection(SharingOptions.Section));
        services.AddSharingDocuments();
        builder.AddSharingClinicalItems();
        return builder;
    }

    public static WebApplication MapSharing(this WebApplication app)
    {
        app.MapSharingDocuments();
        return app;
    }
}
