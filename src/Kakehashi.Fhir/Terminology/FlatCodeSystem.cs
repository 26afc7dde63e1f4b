using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Terminology;

/// <summary>A CodeSystem's concepts by code, with the is-a hierarchy (nesting or <c>parent</c> properties) resolved.</summary>
public sealed class FlatCodeSystem
{
    private static readonly ConditionalWeakTable<CodeSystem, FlatCodeSystem> Cache = [];
    private readonly Dictionary<string, CodeSystem.ConceptDefinitionComponent> concepts;
    private readonly Dictionary<string, HashSet<string>> parents;
    private readonly Lazy<Dictionary<string, List<string>>> children;

    private FlatCodeSystem(CodeSystem codeSystem)
    {
        CodeSystem = codeSystem;
        var comparer = codeSystem.CaseSensitive == false ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        concepts = new(comparer);
        parents = new(comparer);
        children = new(() => ChildrenByParent(comparer));
        Add(codeSystem.Concept, null);
        foreach (var concept in concepts.Values)
        {
            foreach (var property in concept.Property.Where(p => p.Code == "parent"))
            {
                if (property.Value is Code parentCode && parentCode.Value is { } parent)
                {
                    ParentsOf(concept.Code!).Add(parent);
                }
                else if (property.Value is FhirString text && text.Value is { } parentText)
                {
                    ParentsOf(concept.Code!).Add(parentText);
                }
            }
        }
    }

    public CodeSystem CodeSystem { get; }

    public IReadOnlyCollection<CodeSystem.ConceptDefinitionComponent> Concepts => concepts.Values;

    /// <summary>True when the resource carries its concepts (not <c>content = not-present</c>).</summary>
    public bool HasContent => CodeSystem.Content != CodeSystemContentMode.NotPresent && concepts.Count > 0;

    /// <summary>
    /// Large external terminologies a guide may republish in part while calling it complete
    /// (JP-CLINS ships <c>http://loinc.org</c> with two codes, content "complete"): never taken as complete.
    /// </summary>
    public static readonly IReadOnlySet<string> ExternalSystems = new HashSet<string>(StringComparer.Ordinal)
    {
        "http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org", "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm", "urn:oid:2.16.840.1.113883.6.1",
    };

    /// <summary>True when the resource lists every code of the system (a fragment or example may miss some).</summary>
    public bool IsComplete => CodeSystem.Content is null or CodeSystemContentMode.Complete && !ExternalSystems.Contains(CodeSystem.Url ?? "");

    public static FlatCodeSystem For(CodeSystem codeSystem) => Cache.GetValue(codeSystem, cs => new FlatCodeSystem(cs));

    public CodeSystem.ConceptDefinitionComponent? Find(string code) => concepts.GetValueOrDefault(code);

    public IEnumerable<string> Parents(string code) => parents.TryGetValue(code, out var set) ? set : [];

    public IEnumerable<string> Children(string code) => children.Value.TryGetValue(code, out var list) ? list : [];

    /// <summary>The code and every code below it (for search <c>:below</c>).</summary>
    public IReadOnlyList<string> SelfAndDescendants(string code) => Closure(code, Children);

    /// <summary>The code and every code above it (for search <c>:above</c>).</summary>
    public IReadOnlyList<string> SelfAndAncestors(string code) => Closure(code, Parents);

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestor"/> or one of its descendants.</summary>
    public bool IsA(string code, string ancestor)
    {
        var comparer = concepts.Comparer;
        var seen = new HashSet<string>(comparer);
        var pending = new Stack<string>([code]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (comparer.Equals(current, ancestor))
            {
                return true;
            }

            if (seen.Add(current))
            {
                foreach (var parent in Parents(current))
                {
                    pending.Push(parent);
                }
            }
        }

        return false;
    }

    /// <summary>Whether a concept passes one ValueSet compose filter.</summary>
    public bool Matches(CodeSystem.ConceptDefinitionComponent concept, ValueSet.FilterComponent filter)
    {
        var value = filter.Value ?? "";
        var code = concept.Code ?? "";
        var property = filter.Property;
        if (property is "concept" or "code")
        {
            return filter.Op switch
            {
                FilterOperator.IsA => IsA(code, value),
                FilterOperator.DescendentOf => IsA(code, value) && code != value,
                FilterOperator.IsNotA => !IsA(code, value),
                FilterOperator.Equal => code == value,
                FilterOperator.In => value.Split(',').Select(v => v.Trim()).Contains(code),
                FilterOperator.NotIn => !value.Split(',').Select(v => v.Trim()).Contains(code),
                FilterOperator.Regex => Regex.IsMatch(code, "^(?:" + value + ")$", RegexOptions.None, TimeSpan.FromSeconds(1)),
                FilterOperator.Generalizes => IsA(value, code),
                _ => throw new TerminologyException(TerminologyProblem.NotExpandable, $"The filter operator '{filter.Op}' is not supported."),
            };
        }

        var values = property == "display"
            ? [concept.Display ?? ""]
            : concept.Property.Where(p => p.Code == property).Select(p => p.Value switch
            {
                Coding coding => coding.Code,
                PrimitiveType primitive => primitive.ToString(),
                _ => null,
            }).OfType<string>().ToList();
        return filter.Op switch
        {
            FilterOperator.Equal => values.Contains(value),
            FilterOperator.In => value.Split(',').Select(v => v.Trim()).Any(values.Contains),
            FilterOperator.NotIn => !value.Split(',').Select(v => v.Trim()).Any(values.Contains),
            FilterOperator.Exists => (values.Count > 0).ToString().Equals(value, StringComparison.OrdinalIgnoreCase),
            FilterOperator.Regex => values.Any(v => Regex.IsMatch(v, "^(?:" + value + ")$", RegexOptions.None, TimeSpan.FromSeconds(1))),
            _ => throw new TerminologyException(TerminologyProblem.NotExpandable, $"The filter operator '{filter.Op}' on property '{property}' is not supported."),
        };
    }

    private List<string> Closure(string code, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string>(concepts.Comparer) { code };
        var result = new List<string> { code };
        var pending = new Queue<string>([code]);
        while (pending.Count > 0)
        {
            foreach (var related in next(pending.Dequeue()))
            {
                if (seen.Add(related))
                {
                    result.Add(related);
                    pending.Enqueue(related);
                }
            }
        }

        return result;
    }

    private Dictionary<string, List<string>> ChildrenByParent(IEqualityComparer<string> comparer)
    {
        var map = new Dictionary<string, List<string>>(comparer);
        foreach (var (child, ofChild) in parents)
        {
            foreach (var parent in ofChild)
            {
                if (!map.TryGetValue(parent, out var list))
                {
                    list = [];
                    map[parent] = list;
                }

                list.Add(child);
            }
        }

        return map;
    }

    private HashSet<string> ParentsOf(string code)
    {
        if (!parents.TryGetValue(code, out var set))
        {
            set = new HashSet<string>(concepts.Comparer);
            parents[code] = set;
        }

        return set;
    }

    private void Add(IEnumerable<CodeSystem.ConceptDefinitionComponent> list, string? parent)
    {
        foreach (var concept in list)
        {
            if (concept.Code is null)
            {
                continue;
            }

            concepts.TryAdd(concept.Code, concept);
            if (parent is not null)
            {
                ParentsOf(concept.Code!).Add(parent);
            }

            Add(concept.Concept, concept.Code);
        }
    }
}
