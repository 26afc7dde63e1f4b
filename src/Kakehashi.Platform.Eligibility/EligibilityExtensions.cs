using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Services;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>Online eligibility verification (オンライン資格確認): qualifications, card links, checks, bulk jobs (docs/eligibility.md).</summary>
public static class EligibilityExtensions
{
    private const string PreparedPoolKey = "eligibility";

    public static WebApplicationBuilder AddEligibility(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new SchemaModule("eligibility", typeof(EligibilityExtensions).Assembly));
        services.AddOptions<EligibilityOptions>()
            .Bind(builder.Configuration.GetSection(EligibilityOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IResourceWriteInterceptor, CoverageRegistrationInterceptor>();
        services.AddSingleton<Kakehashi.Fhir.Storage.IResourceWriteObserver, CoverageDeletionObserver>();
        // Checks are the platform's busiest read: their few statements stay prepared on their own connections.
        services.AddKeyedSingleton(PreparedPoolKey, (sp, _) => new SqlPreparedPool(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<IOptions<EligibilityOptions>>().Value.LookupConnections));
        services.AddSingleton(sp => new EligibilityLookup(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredKeyedService<SqlPreparedPool>(PreparedPoolKey)));
        services.AddSingleton<IRelationshipRule, InsuredPersonsRule>();
        services.AddSingleton<IQualificationRegistry, QualificationRegistry>();
        services.AddSingleton<ReceptionList>();
        services.AddSingleton<ConsentRecorder>();
        services.AddSingleton(sp => new EligibilityChecker(
            sp.GetRequiredService<EligibilityLookup>(), sp.GetRequiredService<ConsentRecorder>(), sp.GetRequiredService<TimeProvider>())
        {
            DefaultConsentHours = sp.GetRequiredService<IOptions<EligibilityOptions>>().Value.ConsentHours,
        });
        services.AddSingleton<EligibilityRequests>();
        services.AddSingleton<EligibilityAccess>();
        services.AddSingleton<EligibilityAudit>();
        services.AddSingleton<IFhirOperation, SubmitEligibilityOperation>();
        services.AddSingleton<IFhirOperation, LinkCardOperation>();
        services.AddSingleton<EligibilityJobs>();
        services.AddSingleton<UploadProcessor>();
        services.AddSingleton<PrecheckProcessor>();
        services.AddSingleton<EligibilityJobWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<EligibilityJobWorker>());
        return builder;
    }

    public static WebApplication MapEligibility(this WebApplication app)
    {
        app.MapEligibilityEndpoints();
        return app;
    }
}
