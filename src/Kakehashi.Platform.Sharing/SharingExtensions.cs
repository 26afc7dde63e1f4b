using Kakehashi.Fhir.Storage.Sql;
<<<<<<< .merge_file_mgljlW
using Kakehashi.Platform.Sharing.Documents;
=======
using Kakehashi.Platform.Sharing.ClinicalItems;
>>>>>>> .merge_file_1JZKxv

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
<<<<<<< .merge_file_mgljlW
        services.AddSharingDocuments();
=======
        builder.AddSharingClinicalItems();
>>>>>>> .merge_file_1JZKxv
        return builder;
    }

    public static WebApplication MapSharing(this WebApplication app)
    {
        app.MapSharingDocuments();
        return app;
    }
}
