using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// Tolerates authoring slips found in published Japanese profiles, so that their schemas
/// compile instead of failing every instance that declares them:
/// <list type="bullet">
/// <item>a differential naming a base slice with different letter case (<c>RpNumber</c> for
/// JP Core's <c>rpNumber</c>) — renamed to the base's spelling before the snapshot is generated;</item>
/// <item>a <c>value</c>/<c>pattern</c> discriminator that some slices leave unconstrained
/// (JP_Observation_LabResult_eCS slices <c>code.coding</c> on <c>system</c> and <c>display</c>
/// but fixes no display in two slices) — read as the HL7 validator reads it: a slice that fixes
/// nothing on a path matches any value there;</item>
/// <item>slice names containing '/' that are not re-slices.</item>
/// </list>
/// The package files are never changed; only the parsed copy in memory.
/// </summary>
public static class ProfileCorrections
{
    /// <summary>
    /// Renames differential slices to the case the base profile (or the profile of an element's
    /// type, e.g. JP_MedicationDosage under <c>dosageInstruction</c>) uses; returns how many were renamed.
    /// </summary>
    public static int AlignSliceNames(StructureDefinition profile, StructureDefinition? baseProfile, Func<string, StructureDefinition?> typeProfile)
    {
        if (baseProfile?.Snapshot is null || profile.Differential is null)
        {
            return 0;
        }

        var baseSlices = baseProfile.Snapshot.Element
            .Where(e => e.SliceName is not null && e.ElementId is not null)
            .Select(e => e.ElementId!)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var element in baseProfile.Snapshot.Element.Where(e => e.ElementId is not null && e.Type.Count == 1 && e.Type[0].Profile.Any()))
        {
            if (typeProfile(element.Type[0].Profile.First()!) is { Snapshot: { } snapshot } type && snapshot.Element.FirstOrDefault()?.ElementId is { } root)
            {
                foreach (var slice in snapshot.Element.Where(e => e.SliceName is not null && e.ElementId is not null))
                {
                    baseSlices.Add(element.ElementId + slice.ElementId![root.Length..]);
                }
            }
        }

        var renamed = 0;
        foreach (var element in profile.Differential.Element)
        {
            if (element.SliceName is null || element.ElementId is null || baseSlices.Contains(element.ElementId))
            {
                continue;
            }

            var match = baseSlices.FirstOrDefault(b => string.Equals(b, element.ElementId, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                continue;
            }

            var oldId = element.ElementId;
            var newName = match[(match.LastIndexOf(':') + 1)..];
            foreach (var other in profile.Differential.Element.Where(e => e.ElementId is not null))
            {
                if (other.ElementId == oldId || other.ElementId!.StartsWith(oldId + ".", StringComparison.Ordinal) || other.ElementId.StartsWith(oldId + ":", StringComparison.Ordinal))
                {
                    other.ElementId = match + other.ElementId[oldId.Length..];
                }
            }

            element.SliceName = newName;
            renamed++;
        }

        return renamed;
    }

    /// <summary>
    /// A differential that constrains a child of a choice element without choosing the type
    /// (ePrescriptionData's <c>timing.repeat.bounds[x].value</c>) is read as the one type that
    /// has such a child (<c>boundsDuration</c>); otherwise the generated snapshot holds an
    /// untyped element. Returns how many elements were retargeted.
    /// </summary>
    public static int NarrowChoiceParents(StructureDefinition profile, StructureDefinition? baseProfile)
    {
        if (baseProfile?.Snapshot is null || profile.Differential is null)
        {
            return 0;
        }

        var elements = profile.Differential.Element;
        var changed = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var id = element.ElementId;
            var marker = id?.LastIndexOf("[x].", StringComparison.Ordinal) ?? -1;
            if (id is null || marker < 0 || id.IndexOf(':', marker) >= 0 || element.Path is null)
            {
                continue;
            }

            var choiceId = id[..(marker + 3)];
            var child = id[(marker + 4)..];
            if (child.Contains('.'))
            {
                continue;
            }

            var choicePath = element.Path[..(element.Path.LastIndexOf("[x].", StringComparison.Ordinal) + 3)];
            var baseChoice = baseProfile.Snapshot.Element.FirstOrDefault(e => e.Path == choicePath);
            var types = baseChoice is null ? ChoiceTypes(choicePath) : [.. baseChoice.Type.Select(t => t.Code).OfType<string>()];
            var candidates = types
                .Where(code => ModelInfo.ModelInspector.FindClassMapping(code)?.FindMappedElementByName(child) is not null)
                .ToList();
            if (candidates.Count != 1 || elements.Any(e => e.ElementId == choiceId && e.Type.Count > 0))
            {
                continue;
            }

            var type = candidates[0]!;
            var sliceName = choiceId[(choiceId.LastIndexOf('.') + 1)..^3] + char.ToUpperInvariant(type[0]) + type[1..];
            var sliceId = choiceId + ":" + sliceName;
            element.ElementId = sliceId + "." + child;
            if (!elements.Any(e => e.ElementId == sliceId))
            {
                elements.Insert(i, new ElementDefinition(choicePath) { ElementId = sliceId, SliceName = sliceName, Type = [new ElementDefinition.TypeRefComponent { Code = type }] });
                i++;
            }

            changed++;
        }

        return changed;
    }

    // The types a choice element allows, from the SDK's model (for paths inside data types, which a profile's snapshot does not unroll).
    private static List<string> ChoiceTypes(string choicePath)
    {
        var segments = choicePath.Split('.');
        var mapping = ModelInfo.ModelInspector.FindClassMapping(segments[0]);
        for (var i = 1; i < segments.Length && mapping is not null; i++)
        {
            var name = segments[i].EndsWith("[x]", StringComparison.Ordinal) ? segments[i][..^3] : segments[i];
            var property = mapping.FindMappedElementByName(name);
            if (property is null)
            {
                return [];
            }

            if (i == segments.Length - 1)
            {
                return [.. property.FhirType.Select(t => ModelInfo.ModelInspector.FindClassMapping(t)?.Name).OfType<string>()];
            }

            mapping = property.PropertyTypeMapping;
        }

        return [];
    }

    /// <summary>A value set every value belongs to: the stand-in for "this slice does not constrain that discriminator".</summary>
    public const string AnyValueSet = "http://kakehashi.jp/fhir/ValueSet/any-value";

    /// <summary>
    /// Slice names with '/' mean "re-slice of a slice"; JP_Observation_LabResult_eCS uses them as
    /// plain names (<c>coreLaboJLAC10/alb</c> with no slice <c>coreLaboJLAC10</c>). Those are
    /// renamed with '_' so the slices are read as the profile means them.
    /// </summary>
    public static int RenameFalseReslices(StructureDefinition profile)
    {
        var renamed = 0;
        foreach (var elements in new[] { profile.Snapshot?.Element, profile.Differential?.Element })
        {
            if (elements is null)
            {
                continue;
            }

            var ids = elements.Where(e => e.ElementId is not null).Select(e => e.ElementId!).ToHashSet(StringComparer.Ordinal);
            var renames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var element in elements.Where(e => e.SliceName is { } name && name.Contains('/') && e.ElementId is not null))
            {
                var id = element.ElementId!;
                var parentSlice = id[..id.LastIndexOf('/')];
                if (!ids.Contains(parentSlice))
                {
                    renames[id] = id[..id.LastIndexOf(':')] + ":" + element.SliceName!.Replace('/', '_');
                    element.SliceName = element.SliceName.Replace('/', '_');
                    renamed++;
                }
            }

            foreach (var element in elements.Where(e => e.ElementId is not null))
            {
                foreach (var (from, to) in renames)
                {
                    if (element.ElementId == from || element.ElementId!.StartsWith(from + ".", StringComparison.Ordinal) || element.ElementId.StartsWith(from + ":", StringComparison.Ordinal))
                    {
                        element.ElementId = to + element.ElementId[from.Length..];
                        break;
                    }
                }
            }
        }

        return renamed;
    }

    /// <summary>
    /// Where a value/pattern discriminator is fixed in some slices and left open in others, the open
    /// ones get a binding to <see cref="AnyValueSet"/>, which Firely accepts as the discriminator
    /// value and which every value matches. Returns how many elements were given one.
    /// </summary>
    public static int OpenUnconstrainedDiscriminators(StructureDefinition profile)
    {
        var elements = profile.Snapshot?.Element;
        if (elements is null)
        {
            return 0;
        }

        var byId = elements.Where(e => e.ElementId is not null).GroupBy(e => e.ElementId!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var dropped = 0;
        foreach (var sliced in elements.Where(e => e.Slicing?.Discriminator.Count > 1 && e.ElementId is not null))
        {
            var prefix = sliced.ElementId + ":";
            var slices = elements.Where(e => e.ElementId is { } id && id.StartsWith(prefix, StringComparison.Ordinal)
                && !id[prefix.Length..].Contains('.') && !id[prefix.Length..].Contains(':')).ToList();
            if (slices.Count == 0)
            {
                continue;
            }

            foreach (var discriminator in sliced.Slicing!.Discriminator.Where(d => d.Type is ElementDefinition.DiscriminatorType.Value or ElementDefinition.DiscriminatorType.Pattern && d.Path is not null and not "$this" && !d.Path.Contains('(')))
            {
                var targets = slices.Select(s => byId.GetValueOrDefault(s.ElementId + "." + discriminator.Path)).ToList();
                if (targets.Any(t => t is null) || !targets.Any(t => t!.Fixed is not null || t.Pattern is not null))
                {
                    continue;
                }

                foreach (var target in targets.Where(t => t!.Fixed is null && t.Pattern is null && t.Binding is null))
                {
                    target!.Binding = new ElementDefinition.ElementDefinitionBindingComponent
                    {
                        Strength = BindingStrength.Required,
                        ValueSet = AnyValueSet,
                        Description = "Added by Kakehashi: the slice does not constrain this discriminator.",
                    };
                    dropped++;
                }
            }
        }

        return dropped;
    }
}
