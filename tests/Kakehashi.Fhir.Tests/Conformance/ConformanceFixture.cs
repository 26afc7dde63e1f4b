using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Fhir.Validation;

namespace Kakehashi.Fhir.Tests.Conformance;

/// <summary>The shipped packages, a resolver without a store, terminology and a validator: built once per test class.</summary>
public sealed class ConformanceFixture
{
    public ConformanceFixture()
    {
        Catalog = FhirPackageCatalog.Load(JpData.PackageFolder, JpData.CacheFolder);
        Aliases = new CodeSystemAliases();
        Resolver = new ConformanceResolver(Catalog, null, Aliases);
        NamingSystemLoader.LoadPackagedAsync(Resolver).GetAwaiter().GetResult();
        Terminology = new TerminologyService(Resolver);
        Validator = new ProfileValidator(Resolver, Terminology);
    }

    public FhirPackageCatalog Catalog { get; }

    public CodeSystemAliases Aliases { get; }

    public ConformanceResolver Resolver { get; }

    public TerminologyService Terminology { get; }

    public ProfileValidator Validator { get; }
}
