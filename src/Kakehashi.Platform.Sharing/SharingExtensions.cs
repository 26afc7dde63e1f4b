using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Sharing.ClinicalItems;
using Kakehashi.Platform.Sharing.Documents;
using Kakehashi.Platform.Sharing.Summary;

namespace Kakehashi.Platform.Sharing;

/// <summary>
/// EHR information sharing (電子カルテ情報共有サービス): the six clinical items, the patient summary
/// and the emergency summary (docs/sharing.md).
/// </summary>
public static class SharingExtensions
{
    public static WebApplicationBuilder AddSharing(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("sharing", typeof(SharingExtensions).Assembly));
        services.AddOptions<SharingOptions>().Bind(builder.Configuration.GetSection(SharingOptions.Section));
        services.AddSharingDocuments();
        services.AddSingleton<ViewingWindows>();
        services.AddSingleton<SharingAccess>();
        services.AddSingleton<ClinicalItemsSubmission>();
        services.AddSingleton<ClinicalItemIndex>();
        services.AddSingleton<IResourceWriteObserver, ClinicalItemObserver>();
        services.AddSingleton<ClinicalItemsReader>();
        services.AddSingleton<SharedItemsView>();
        services.AddSingleton<IFhirOperation, SubmitClinicalItemsOperation>();
        services.AddSingleton<IFhirOperation, ClinicalItemsOperation>();
        services.AddSingleton<IFhirOperation, PatientSummaryOperation>();
        services.AddSingleton<IFhirOperation, EmergencySummaryOperation>();
        services.AddSingleton<IFhirOperation, SharingRetentionOperation>();
        return builder;
    }

    public static WebApplication MapSharing(this WebApplication app)
    {
        app.MapSharingDocuments();
        return app;
    }
}
