using System.Diagnostics;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Conformance;

/// <summary>Packages, validation, terminology and house-code mapping: the conformance services of the FHIR server.</summary>
public static class ConformanceExtensions
{
    public static WebApplicationBuilder AddConformance(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConformanceOptions>()
            .Bind(builder.Configuration.GetSection(ConformanceOptions.Section))
            .Validate(o => Directory.Exists(o.PackageFolder), $"{ConformanceOptions.Section}:PackageFolder must name an existing folder of FHIR packages (.tgz).")
            .ValidateOnStart();
        services.AddOptions<ValidationOptions>()
            .Bind(builder.Configuration.GetSection(ValidationOptions.Section))
            .Validate(o => o.Rules.All(r => (r.ResourceType is null) != (r.Profile is null)), $"Each {ValidationOptions.Section}:Rules entry names either a ResourceType or a Profile.")
            .ValidateOnStart();

        services.TryAddSingleton<CodeSystemAliases>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConformanceOptions>>().Value;
            return FhirPackageCatalog.Load(options.PackageFolder, options.CacheFolder);
        });
        services.AddSingleton<StoredConformanceSource>();
        services.AddSingleton(sp =>
        {
            var resolver = new ConformanceResolver(
                sp.GetRequiredService<FhirPackageCatalog>(),
                sp.GetRequiredService<StoredConformanceSource>(),
                sp.GetRequiredService<CodeSystemAliases>());
            var watch = Stopwatch.StartNew();
            var count = NamingSystemLoader.LoadPackagedAsync(resolver).GetAwaiter().GetResult();
            sp.GetRequiredService<ILogger<ConformanceResolver>>().LogInformation(
                "Code-system aliases: {Count} packaged NamingSystems read in {Milliseconds} ms", count, watch.ElapsedMilliseconds);
            return resolver;
        });
        services.AddSingleton<TerminologyService>();
        services.AddSingleton<IValueSetExpander>(sp => sp.GetRequiredService<TerminologyService>());
        services.AddSingleton<ProfileValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ValidationOptions>>().Value.ToPolicy());
        services.AddSingleton<HouseCodeMapper>();

        services.AddSingleton<IResourceWriteInterceptor, HouseCodeMappingInterceptor>();
        services.AddSingleton<IResourceWriteInterceptor>(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<ValidationWriteInterceptor>>();
            return new ValidationWriteInterceptor(
                sp.GetRequiredService<ProfileValidator>(),
                sp.GetRequiredService<ValidationPolicy>(),
                (resource, outcome) => logger.LogWarning("{Type}/{Id} stored with validation errors (mode Warn): {Errors}",
                    resource.TypeName, resource.Id, string.Join(" | ", outcome.Issue
                        .Where(i => i.Severity is Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error or Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Fatal)
                        .Select(i => string.Join(",", i.Expression) + ": " + (i.Details?.Text ?? i.Diagnostics)))));
        });
        services.AddSingleton<IResourceWriteInterceptor, ConformanceWriteInterceptor>();

        services.AddSingleton<IFhirOperation, ValidateOperation>();
        services.AddSingleton<IFhirOperation, CodeSystemLookupOperation>();
        services.AddSingleton<IFhirOperation, CodeSystemValidateCodeOperation>();
        services.AddSingleton<IFhirOperation, ValueSetValidateCodeOperation>();
        services.AddSingleton<IFhirOperation, ValueSetExpandOperation>();
        services.AddSingleton<IFhirOperation, ConceptMapTranslateOperation>();
        services.AddHostedService<ConformanceStartup>();
        return builder;
    }
}
