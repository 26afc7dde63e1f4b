using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.History;

/// <summary>The claim feed, checkup registration and the consented history views (docs/eligibility-history.md).</summary>
public static class HistoryExtensions
{
    public static WebApplicationBuilder AddHistory(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("history", typeof(HistoryExtensions).Assembly));
        services.AddSingleton<ProcedureMaster>();
        services.AddSingleton<TreatmentClassifier>();
        services.AddSingleton<HistoryAccess>();
        services.AddSingleton<Kakehashi.Platform.Services.ICheckupReportRegistry, CheckupReportRegistry>();
        services.AddSingleton<HistorySources>();
        services.AddSingleton<CheckupStore>();
        services.AddSingleton<IResourceWriteInterceptor, ClaimFeedInterceptor>();
        services.AddSingleton<IFhirOperation, SubmitCheckupOperation>();
        services.AddSingleton<IFhirOperation, MedicationHistoryOperation>();
        services.AddSingleton<IFhirOperation, TreatmentHistoryOperation>();
        services.AddSingleton<IFhirOperation, CheckupHistoryOperation>();
        return builder;
    }
}
