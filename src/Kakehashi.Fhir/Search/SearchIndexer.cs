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

        foreach (var composite in plan.Composites)
        {
            var group = 0;
            foreach (var element in composite.Expression([node], context))
            {
                for (var j = 0; j < composite.Components.Count; j++)
                {
                    var (type, expression) = composite.Components[j];
                    var part = new SearchParameterDefinition(resource.TypeName, CompositeNames.Indexed(composite.Code, j, group), type, null, []);
                    foreach (var value in expression([element], context))
                    {
                        writer.Add(part, value);
                    }
                }

                group++;
            }
        }

        var index = writer.Index;
        if (SearchText.NarrativeOf(resource) is { } narrative)
        {
            index.Texts.Add(new TextIndexEntry(KnownSearchParameters.Text, narrative));
        }

        if (SearchText.ContentOf(resource) is { } content)
        {
            index.Texts.Add(new TextIndexEntry(KnownSearchParameters.Content, content));
        }

        if (resource is DomainResource { Contained.Count: > 0 } container)
        {
            foreach (var contained in container.Contained.Where(c => !string.IsNullOrEmpty(c.Id)))
            {
                index.Contained.Add(new ContainedIndex(contained.TypeName, contained.Id!, Extract(contained)));
            }
        }

        return index;
    }

    private TypePlan PlanFor(string resourceType)
    {
        var version = registry.Version;
        if (_plans.TryGetValue(resourceType, out var plan) && plan.RegistryVersion == version)
        {
            return plan;
        }

        var all = registry.GetAll(resourceType);
        plan = new TypePlan(
            version,
            [.. all.Where(d => !d.IsColumnBacked && d.Expression is not null
                    && d.Type is not (SearchParamType.Composite or SearchParamType.Special))
                .Select(d => (d, Compiler.Compile(FhirPathBranches.ForType(d.Expression!, resourceType))))],
            [.. all.Where(d => d.Type == SearchParamType.Composite && d.Expression is not null && d.Components is { Count: > 1 })
                .Select(d => CompositePlan(d, resourceType))
                .OfType<CompositeParameterPlan>()]);
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

    /// <summary>Null when a component's parameter is unknown or of a type that cannot be a component.</summary>
    private CompositeParameterPlan? CompositePlan(SearchParameterDefinition definition, string resourceType)
    {
        var components = new List<(SearchParamType, CompiledExpression)>();
        foreach (var component in definition.Components!)
        {
            if (registry.TypeOfUrl(component.Definition) is not { } type || type is SearchParamType.Reference or SearchParamType.Special)
            {
                return null;
            }

            components.Add((type, Compiler.Compile(component.Expression)));
        }

        return new CompositeParameterPlan(definition.Code, Compiler.Compile(FhirPathBranches.ForType(definition.Expression!, resourceType)), components);
    }

    private sealed record TypePlan(
        int RegistryVersion,
        IReadOnlyList<(SearchParameterDefinition Definition, CompiledExpression Expression)> Parameters,
        IReadOnlyList<CompositeParameterPlan> Composites);

    private sealed record CompositeParameterPlan(string Code, CompiledExpression Expression, IReadOnlyList<(SearchParamType Type, CompiledExpression Expression)> Components);
}
