using System.Collections.Concurrent;
using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Terminology;
using Canonical = Firely.Fhir.Validation.Canonical;

namespace Kakehashi.Fhir.Validation;

/// <summary>
/// Validates resources against the core specification and the profiles they declare (or one
/// asked for), with Firely.Fhir.Validation. The profiles are compiled once into element schemas
/// that every request shares; the cache is bounded (<see cref="MaxCachedSchemas"/>) and dropped
/// whenever conformance content changes. Thread-safe; one instance per server.
/// </summary>
public sealed class ProfileValidator
{
    /// <summary>Compiled schemas kept; JP Core, JP-CLINS and the core types need a few hundred.</summary>
    public const int MaxCachedSchemas = 2000;

    private readonly ConformanceResolver resolver;
    private readonly TerminologyService terminology;
    private volatile State state;
    private volatile State variantState;

    public ProfileValidator(ConformanceResolver resolver, TerminologyService terminology)
    {
        this.resolver = resolver;
        this.terminology = terminology;
        state = CreateState(resolver);
        variantState = CreateState(resolver.PreferringLastVariant());
        // Bindings are checked through the terminology service at validation time, so only a
        // changed profile (not a ValueSet, CodeSystem or NamingSystem) makes compiled schemas stale.
        resolver.Changed += type =>
        {
            if (type is null or KnownConformanceTypes.StructureDefinition)
            {
                state = CreateState(resolver);
                variantState = CreateState(resolver.PreferringLastVariant());
            }
        };
    }

    /// <summary>How many compiled schemas the caches hold now.</summary>
    public int CachedSchemas => state.Schemas.Count + variantState.Schemas.Count;

    /// <summary>
    /// Validates <paramref name="resource"/> against its type, the profiles in its
    /// <c>meta.profile</c> and <paramref name="profile"/>. Where packages define the same profile
    /// twice (JP Core 1.1.2 names code and identifier systems by OID, its <c>-url</c> variant by
    /// <c>http://</c> URI), an instance with errors against the first is checked against the
    /// other, and conforms if it conforms to either.
    /// </summary>
    public OperationOutcome Validate(Resource resource, string? profile = null)
    {
        var outcome = Validate(state, resource, profile);
        if (HasErrors(outcome) && resolver.Packages.HasVariants)
        {
            var other = Validate(variantState, resource, profile);
            if (ErrorCount(other) < ErrorCount(outcome))
            {
                outcome = other;
            }
        }

        PlatformRules.Apply(resource, outcome);
        return outcome;
    }

    private static int ErrorCount(OperationOutcome outcome) =>
        outcome.Issue.Count(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    private static OperationOutcome Validate(State current, Resource resource, string? profile)
    {
        if (current.Schemas.Count > MaxCachedSchemas)
        {
            current.Schemas.Clear();
        }

        OperationOutcome outcome;
        try
        {
            outcome = current.Validator.Validate(resource, profile);
        }
        catch (Exception e) when (e is SchemaResolutionFailedException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            outcome = new OperationOutcome();
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.NotFound,
                Diagnostics = "The resource could not be validated: " + e.Message,
            });
        }

        Tidy(outcome);
        return outcome;
    }

    /// <summary>True when the canonical names a StructureDefinition the server knows (core, package or stored).</summary>
    public async Task<bool> IsKnownProfileAsync(string canonical, CancellationToken cancellationToken) =>
        await resolver.FindAsync(canonical, [KnownConformanceTypes.StructureDefinition], cancellationToken) is StructureDefinition;

    public static bool HasErrors(OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    // Firely reports a trace of every slice it tried as informational issues; only what the caller can act on is kept.
    private static void Tidy(OperationOutcome outcome)
    {
        outcome.Issue.RemoveAll(i => i.Severity == OperationOutcome.IssueSeverity.Information && string.IsNullOrEmpty(i.Diagnostics) && i.Details?.Text is null);
        foreach (var issue in outcome.Issue)
        {
            if (!issue.Expression.Any() && issue.Location.Any())
            {
                issue.Expression = [.. issue.Location];
            }
        }
    }

    private State CreateState(IAsyncResourceResolver source)
    {
        var schemas = new ConcurrentDictionary<Canonical, ElementSchema?>();
        // The cache-sharing overload is marked experimental; it is the only way to own (bound and drop) the compiled schemas.
#pragma warning disable ExperimentalApi
        var schemaResolver = StructureDefinitionToElementSchemaResolver.CreatedCached(source, schemas);
#pragma warning restore ExperimentalApi
        var validator = new Validator(source, terminology, null, new ValidationSettings(), schemaResolver);
        return new State(validator, schemas);
    }

    private sealed record State(Validator Validator, ConcurrentDictionary<Canonical, ElementSchema?> Schemas);
}
