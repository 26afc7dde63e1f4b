using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>Electronic prescriptions (電子処方箋): drug master, signed lifecycle, duplicate and contraindication check (docs/prescriptions.md).</summary>
public static class PrescriptionsExtensions
{
    public static WebApplicationBuilder AddPrescriptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("prescriptions", typeof(PrescriptionsExtensions).Assembly));
        return builder;
    }

    public static WebApplication MapPrescriptions(this WebApplication app) => app;
}
