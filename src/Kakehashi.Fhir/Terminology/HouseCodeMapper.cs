using Hl7.Fhir.Model;
using Kakehashi.Fhir.Conformance;

namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// Adds standard codings beside an institution's house codes. The maps are the stored
/// ConceptMaps tagged <see cref="TagSystem"/>|<see cref="TagCode"/>; every element whose
/// equivalence is <c>equivalent</c> or <c>equal</c> maps a (source system, code) to a target
/// coding. On write, each CodeableConcept holding a mapped house code gets the target coding
/// appended (unless it already has it); the house code itself is never changed or removed.
/// Systems are compared through <see cref="CodeSystemAliases"/>.
/// </summary>
public sealed class HouseCodeMapper(StoredConformanceSource stored, CodeSystemAliases aliases, TimeProvider time)
{
    public const string TagSystem = "http://kakehashi.jp/fhir/CodeSystem/conformance-tags";
    public const string TagCode = "house-code-map";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private volatile Snapshot? snapshot;

    public void Invalidate() => snapshot = null;

    /// <summary>Appends the mapped standard codings to <paramref name="resource"/>; returns how many were added.</summary>
    public async Task<int> EnrichAsync(Resource resource, CancellationToken cancellationToken)
    {
        var map = await MapAsync(cancellationToken);
        if (map.Count == 0)
        {
            return 0;
        }

        var added = 0;
        foreach (var concept in CodeableConcepts(resource, 0))
        {
            var additions = new List<Coding>();
            foreach (var coding in concept.Coding)
            {
                if (coding.System is null || coding.Code is null || !map.TryGetValue((aliases.Canonical(coding.System)!, coding.Code), out var targets))
                {
                    continue;
                }

                foreach (var target in targets)
                {
                    var canonical = aliases.Canonical(target.System);
                    if (!concept.Coding.Concat(additions).Any(c => aliases.Canonical(c.System) == canonical && c.Code == target.Code))
                    {
                        additions.Add((Coding)target.DeepCopy());
                    }
                }
            }

            concept.Coding.AddRange(additions);
            added += additions.Count;
        }

        return added;
    }

    private async Task<IReadOnlyDictionary<(string, string), List<Coding>>> MapAsync(CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (current is not null && current.Expires > time.GetUtcNow())
        {
            return current.Map;
        }

        var map = new Dictionary<(string, string), List<Coding>>();
        var maps = await stored.AllAsync(KnownConformanceTypes.ConceptMap, [], cancellationToken);
        foreach (var conceptMap in maps.OfType<ConceptMap>().Where(IsHouseCodeMap))
        {
            foreach (var group in conceptMap.Group.Where(g => g.Source is not null && g.Target is not null))
            {
                var source = aliases.Canonical(group.Source)!;
                foreach (var element in group.Element)
                {
                    if (element.Code is not { } code)
                    {
                        continue;
                    }

                    foreach (var target in element.Target.Where(t => t.Code is not null && t.Equivalence is null or ConceptMapEquivalence.Equivalent or ConceptMapEquivalence.Equal))
                    {
                        if (!map.TryGetValue((source, code), out var list))
                        {
                            list = [];
                            map[(source, code)] = list;
                        }

                        list.Add(new Coding(group.Target, target.Code, target.Display) { Version = group.TargetVersion });
                    }
                }
            }
        }

        snapshot = new Snapshot(map, time.GetUtcNow() + Lifetime);
        return map;
    }

    private static bool IsHouseCodeMap(ConceptMap map) =>
        map.Status != PublicationStatus.Retired && map.Meta?.Tag.Any(t => t.System == TagSystem && t.Code == TagCode) == true;

    private static IEnumerable<CodeableConcept> CodeableConcepts(Base node, int depth)
    {
        if (depth > 64)
        {
            yield break;
        }

        foreach (var (_, value) in node.EnumerateElements())
        {
            var children = value switch
            {
                Base single => [single],
                IEnumerable<Base> list => list,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is CodeableConcept concept)
                {
                    yield return concept;
                }

                if (child is not PrimitiveType and not Resource || child is Resource && node is not Bundle)
                {
                    // Contained resources are enriched too; a Bundle's entries are written (and enriched) one by one.
                    foreach (var nested in CodeableConcepts(child, depth + 1))
                    {
                        yield return nested;
                    }
                }
            }
        }
    }

    private sealed record Snapshot(IReadOnlyDictionary<(string, string), List<Coding>> Map, DateTimeOffset Expires);
}
