using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Server.BulkExport;

public static class BulkExportExtensions
{
    /// <summary>FHIR Bulk Data export: the kick-off, the job tables and the background worker (docs/bulk-export.md).</summary>
    public static WebApplicationBuilder AddBulkExport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("bulk-export", typeof(BulkExportExtensions).Assembly));
        services.AddOptions<ExportOptions>()
            .Bind(builder.Configuration.GetSection(ExportOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ExportJobs>();
        services.AddSingleton<ExportKickoff>();
        services.AddSingleton<ExportEndpoints.ExportHandlers>();
        services.AddSingleton<ExportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ExportWorker>());
        return builder;
    }
}
