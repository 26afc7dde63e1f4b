using System.Collections.Concurrent;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Extracts the search values of a resource on write. Expressions are compiled once per
/// (type, parameter) and trimmed to the branches for that type, because this runs on every
/// create/update and inside bundles of hundreds of resources.
/// </summary>
public sealed class SearchIndexer(SearchParameterRegistry registry, Terminology.CodeSystemAliases? aliases = null)
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    // resolve() must know a reference's target type for "subject.where(resolve() is Patient)";
    // an empty instance of that type answers "is" without loading anything.
    private static readonly ConcurrentDictionary<string, PocoNode?> EmptyTargets = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, TypePlan> _plans = new(StringComparer.Ordinal);

    public SearchIndex Extract(Resource resource)
    {
        var plan = PlanFor(resource.TypeName);
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        var context = new FhirEvaluationContext { ElementResolver = ResolveToEmptyTarget };
        var writer = new SearchIndexWriter(aliases);
        foreach (var (definition, expression) in plan.Parameters)
        {
            foreach (var value in expression([node], context))
            {
                writer.Add(definition, value);
            }
        }

        return writer.Index;
    }

    private TypePlan PlanFor(string resourceType)
    {
        var version = registry.Version;
        if (_plans.TryGetValue(resourceType, out var plan) && plan.RegistryVersion == version)
        {
            return plan;
        }

        plan = new TypePlan(version, [.. registry.GetAll(resourceType)
            .Where(d => !d.IsColumnBacked && d.Expression is not null
                && d.Type is not (SearchParamType.Composite or SearchParamType.Special))
            .Select(d => (d, Compiler.Compile(FhirPathBranches.ForType(d.Expression!, resourceType))))]);
        _plans[resourceType] = plan;
        return plan;
    }

    private static PocoNode? ResolveToEmptyTarget(string reference)
    {
        var type = ReferenceParts.TargetTypeOf(reference);
        return type is null ? null : EmptyTargets.GetOrAdd(type, static t =>
            ModelInfo.GetTypeForFhirType(t) is { } clrType && Activator.CreateInstance(clrType) is Resource empty
                ? empty.ToPocoNode(ModelInfo.ModelInspector)
                : null);
    }

    private sealed record TypePlan(int RegistryVersion, IReadOnlyList<(SearchParameterDefinition Definition, CompiledExpression Expression)> Parameters);
}
