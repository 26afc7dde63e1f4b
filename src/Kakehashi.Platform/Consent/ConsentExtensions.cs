using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.Consent;

/// <summary>Patient consent and emergency access (docs/security/consent.md).</summary>
public static class ConsentExtensions
{
    public static WebApplicationBuilder AddKakehashiConsent(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IResourceWriteObserver, ConsentGrantIndex>();
        services.AddSingleton<IResourceWriteInterceptor, ConsentWriteInterceptor>();
        services.AddSingleton<EmergencyAccessStore>();
        services.AddSingleton<AccessRestrictions>();
        services.AddSingleton<PatientConsents>();
        services.AddSingleton<ConsentGrantLookup>();
        services.AddSingleton<IFhirOperation, EmergencyAccessOperation>();
        return builder;
    }
}
