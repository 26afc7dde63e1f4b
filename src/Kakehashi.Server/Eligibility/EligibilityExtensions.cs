using Kakehashi.Fhir.Interactions;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Eligibility;

/// <summary>Online eligibility verification (オンライン資格確認): qualifications, card links, checks, bulk jobs (docs/eligibility.md).</summary>
public static class EligibilityExtensions
{
    public static WebApplicationBuilder AddEligibility(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EligibilityOptions>()
            .Bind(builder.Configuration.GetSection(EligibilityOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IResourceWriteInterceptor, CoverageRegistrationInterceptor>();
        services.AddSingleton<EligibilityLookup>();
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
