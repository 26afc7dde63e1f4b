using System.Collections.Concurrent;
using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Specification.Terminology;
using Kakehashi.Fhir.Conformance;

namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// Answers terminology questions from the CodeSystems, ValueSets and ConceptMaps the server
/// knows (stored, packaged, core): expansion with nested compose, membership, lookup and
/// translation. Every system URI is compared through <see cref="CodeSystemAliases"/>, so an
/// OID and its <c>http://</c> name are the same system. It is also the validator's terminology
/// service and the search engine's <see cref="IValueSetExpander"/>. Thread-safe.
/// </summary>
public sealed class TerminologyService : ICodeValidationTerminologyService, IValueSetExpander
{
    public const int MaxExpansionSize = 10_000;
    private const int MaxDepth = 16;
    private const int MaxCachedExpansions = 500;
    private static readonly string[] CodeSystemTypes = [KnownConformanceTypes.CodeSystem];
    private static readonly string[] ValueSetTypes = [KnownConformanceTypes.ValueSet];
    private static readonly string[] ConceptMapTypes = [KnownConformanceTypes.ConceptMap];

    private readonly ConformanceResolver resolver;
    private readonly CodeSystemAliases aliases;
    private readonly ConcurrentDictionary<string, IReadOnlyList<ExpansionCode>> expansions = new(StringComparer.Ordinal);

    public TerminologyService(ConformanceResolver resolver)
    {
        this.resolver = resolver;
        aliases = resolver.Aliases;
        resolver.Changed += _ => expansions.Clear();
    }

    public CodeSystemAliases Aliases => aliases;

    /// <summary>The CodeSystem for a system URI under any of its names, or null.</summary>
    public async Task<CodeSystem?> FindCodeSystemAsync(string system, CancellationToken cancellationToken)
    {
        foreach (var name in aliases.AllNames(system).Prepend(system).Distinct())
        {
            if (await resolver.FindAsync(name, CodeSystemTypes, cancellationToken) is CodeSystem found)
            {
                return found;
            }
        }

        return null;
    }

    public async Task<ValueSet?> FindValueSetAsync(string url, CancellationToken cancellationToken) =>
        await resolver.FindAsync(url, ValueSetTypes, cancellationToken) as ValueSet;

    public async Task<ConceptMap?> FindConceptMapAsync(string url, CancellationToken cancellationToken) =>
        await resolver.FindAsync(url, ConceptMapTypes, cancellationToken) as ConceptMap;

    public async Task<IReadOnlyList<(string? System, string Code)>?> ExpandAsync(string valueSetUrl, CancellationToken cancellationToken)
    {
        var valueSet = await FindValueSetAsync(valueSetUrl, cancellationToken);
        if (valueSet is null)
        {
            return null;
        }

        try
        {
            return [.. (await ExpandAsync(valueSet, cancellationToken)).Select(c => ((string?)c.System, c.Code))];
        }
        catch (TerminologyException e)
        {
            throw Errors.FhirException.Unprocessable($"The value set '{valueSetUrl}' cannot be expanded: {e.Message}");
        }
    }

    public async Task<IReadOnlyList<string>?> HierarchyAsync(string system, string code, bool below, CancellationToken cancellationToken)
    {
        var codeSystem = await FindCodeSystemAsync(system, cancellationToken);
        if (codeSystem is null || FlatCodeSystem.For(codeSystem) is not { HasContent: true } flat)
        {
            return null;
        }

        return below ? flat.SelfAndDescendants(code) : flat.SelfAndAncestors(code);
    }

    /// <summary>Every code of the value set (systems canonicalized), cached per URL and version.</summary>
    public async Task<IReadOnlyList<ExpansionCode>> ExpandAsync(ValueSet valueSet, CancellationToken cancellationToken)
    {
        var key = valueSet.Url is null ? null : valueSet.Url + "|" + valueSet.Version + "|" + valueSet.Meta?.VersionId;
        if (key is not null && expansions.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var codes = await ExpandCoreAsync(valueSet, 0, cancellationToken);
        if (key is not null)
        {
            if (expansions.Count >= MaxCachedExpansions)
            {
                expansions.Clear();
            }

            expansions[key] = codes;
        }

        return codes;
    }

    /// <summary>Whether (<paramref name="system"/>, <paramref name="code"/>) is in the value set, without expanding large systems.</summary>
    public async Task<Membership> IsMemberAsync(ValueSet valueSet, string? system, string code, CancellationToken cancellationToken) =>
        await MemberCoreAsync(valueSet, system is null ? null : aliases.Canonical(system), code, 0, cancellationToken);

    /// <summary>The concept for a code in a code system; throws when the code system is unknown.</summary>
    public async Task<(CodeSystem CodeSystem, CodeSystem.ConceptDefinitionComponent? Concept)> LookupAsync(string system, string code, CancellationToken cancellationToken)
    {
        var codeSystem = await FindCodeSystemAsync(system, cancellationToken)
            ?? throw new TerminologyException(TerminologyProblem.UnknownCodeSystem, $"The code system '{system}' is not known to this server.");
        return (codeSystem, FlatCodeSystem.For(codeSystem).Find(code));
    }

    /// <summary>All ConceptMaps (stored and packaged) with a group from <paramref name="system"/>, or the one named.</summary>
    public async Task<IReadOnlyList<ConceptMap>> ConceptMapsFromAsync(string system, StoredConformanceSource? stored, CancellationToken cancellationToken)
    {
        var canonical = aliases.Canonical(system);
        var maps = new List<ConceptMap>();
        if (stored is not null)
        {
            maps.AddRange((await stored.AllAsync(KnownConformanceTypes.ConceptMap, [], cancellationToken)).OfType<ConceptMap>());
        }

        foreach (var entry in resolver.Packages.OfType(KnownConformanceTypes.ConceptMap))
        {
            if (await resolver.LoadAsync(entry) is ConceptMap map)
            {
                maps.Add(map);
            }
        }

        return [.. maps.Where(m => m.Group.Any(g => aliases.Canonical(g.Source) == canonical))];
    }

    /// <summary>The target codings a ConceptMap gives for a source code.</summary>
    public IEnumerable<(ConceptMapEquivalence? Equivalence, Coding Target, string? Map)> Translate(ConceptMap map, string system, string code, string? targetSystem)
    {
        var canonical = aliases.Canonical(system);
        var target = targetSystem is null ? null : aliases.Canonical(targetSystem);
        foreach (var group in map.Group.Where(g => aliases.Canonical(g.Source) == canonical))
        {
            if (target is not null && aliases.Canonical(group.Target) != target)
            {
                continue;
            }

            foreach (var element in group.Element.Where(e => e.Code == code))
            {
                foreach (var mapped in element.Target)
                {
                    if (mapped.Code is not null)
                    {
                        yield return (mapped.Equivalence, new Coding(group.Target, mapped.Code, mapped.Display) { Version = group.TargetVersion }, map.Url);
                    }
                    else if (mapped.Equivalence == ConceptMapEquivalence.Unmatched)
                    {
                        yield return (mapped.Equivalence, new Coding(group.Target, null), map.Url);
                    }
                }
            }
        }
    }

    // ---- ICodeValidationTerminologyService: what the profile validator asks ----

    public async Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        var url = Text(parameters, "url") ?? Text(parameters, "valueSet")
            ?? throw new FhirOperationException("$validate-code needs a value set url.", HttpStatusCode.BadRequest);
        if (url == ProfileCorrections.AnyValueSet)
        {
            var any = new Parameters();
            any.Add("result", new FhirBoolean(true));
            return any;
        }

        var valueSet = parameters.Parameter.FirstOrDefault(p => p.Name == "valueSet")?.Resource as ValueSet
            ?? await FindValueSetAsync(url, CancellationToken.None)
            ?? throw new FhirOperationException($"The value set '{url}' is not known to this server.", HttpStatusCode.NotFound);
        var codings = Codings(parameters).ToList();
        var (result, message) = await ValidateCodingsAsync(valueSet, codings, CancellationToken.None);
        if (result is null)
        {
            // Neither valid nor invalid: the validator reports a warning, not an error.
            throw new FhirOperationException(message, HttpStatusCode.NotFound);
        }

        var outcome = new Parameters();
        outcome.Add("result", new FhirBoolean(result));
        if (message is not null)
        {
            outcome.Add("message", new FhirString(message));
        }

        return outcome;
    }

    public async Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false)
    {
        var system = Text(parameters, "system") ?? throw new FhirOperationException("$subsumes needs a system.", HttpStatusCode.BadRequest);
        var (codeSystem, _) = await LookupAsync(system, "", CancellationToken.None);
        var flat = FlatCodeSystem.For(codeSystem);
        var a = Text(parameters, "codeA") ?? "";
        var b = Text(parameters, "codeB") ?? "";
        var outcome = a == b ? "equivalent" : flat.IsA(b, a) ? "subsumes" : flat.IsA(a, b) ? "subsumed-by" : "not-subsumed";
        var result = new Parameters();
        result.Add("outcome", new Code(outcome));
        return result;
    }

    /// <summary>True if any coding is in the value set, false if none is, null when membership cannot be decided.</summary>
    public async Task<(bool? Result, string Message)> ValidateCodingsAsync(ValueSet valueSet, IReadOnlyList<Coding> codings, CancellationToken cancellationToken)
    {
        if (codings.Count == 0)
        {
            return (false, "No code was given.");
        }

        var unknown = new List<string>();
        foreach (var coding in codings)
        {
            switch (await IsMemberAsync(valueSet, coding.System, coding.Code ?? "", cancellationToken))
            {
                case Membership.Yes:
                    return (true, null!);
                case Membership.Unknown:
                    unknown.Add(Describe(coding));
                    break;
            }
        }

        var name = valueSet.Url ?? valueSet.Id;
        return unknown.Count > 0
            ? (null, $"Cannot tell whether {string.Join(", ", unknown)} is in the value set '{name}': its code system is not available on this server.")
            : (false, $"{string.Join(", ", codings.Select(Describe))} is not in the value set '{name}'.");
    }

    public static string Describe(Coding coding) => coding.System is null ? $"'{coding.Code}'" : $"'{coding.System}|{coding.Code}'";

    private static IEnumerable<Coding> Codings(Parameters parameters)
    {
        foreach (var p in parameters.Parameter)
        {
            switch (p.Name, p.Value)
            {
                case ("coding", Coding coding):
                    yield return coding;
                    break;
                case ("codeableConcept", CodeableConcept concept):
                    foreach (var coding in concept.Coding)
                    {
                        yield return coding;
                    }

                    break;
            }
        }

        if (Text(parameters, "code") is { } code)
        {
            yield return new Coding(Text(parameters, "system"), code, Text(parameters, "display"));
        }
    }

    private static string? Text(Parameters parameters, string name) =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value is PrimitiveType { } value ? value.ToString() : null;

    // ---- expansion ----

    private async Task<IReadOnlyList<ExpansionCode>> ExpandCoreAsync(ValueSet valueSet, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth)
        {
            throw new TerminologyException(TerminologyProblem.NotExpandable, $"The value set '{valueSet.Url}' nests value sets too deeply (or in a cycle).");
        }

        if (valueSet.Compose is null)
        {
            if (valueSet.Expansion is { } given)
            {
                return [.. Flatten(given.Contains).Select(c => new ExpansionCode(aliases.Canonical(c.System) ?? "", c.Code!, c.Display, c.Version))];
            }

            throw new TerminologyException(TerminologyProblem.NotExpandable, $"The value set '{valueSet.Url}' has neither a compose nor an expansion.");
        }

        var result = new Dictionary<(string, string), ExpansionCode>();
        foreach (var include in valueSet.Compose.Include)
        {
            foreach (var code in await IncludeAsync(include, depth, cancellationToken))
            {
                result.TryAdd((code.System, code.Code), code);
                if (result.Count > MaxExpansionSize)
                {
                    throw new TerminologyException(TerminologyProblem.TooCostly, $"The value set '{valueSet.Url}' has more than {MaxExpansionSize} codes.");
                }
            }
        }

        foreach (var exclude in valueSet.Compose.Exclude)
        {
            foreach (var code in await IncludeAsync(exclude, depth, cancellationToken))
            {
                result.Remove((code.System, code.Code));
            }
        }

        return [.. result.Values];
    }

    private async Task<IReadOnlyList<ExpansionCode>> IncludeAsync(ValueSet.ConceptSetComponent include, int depth, CancellationToken cancellationToken)
    {
        List<ExpansionCode>? codes = null;
        if (include.System is { } system)
        {
            var canonical = aliases.Canonical(system)!;
            var codeSystem = await FindCodeSystemAsync(system, cancellationToken);
            var flat = codeSystem is null ? null : FlatCodeSystem.For(codeSystem);
            if (include.Concept.Count > 0)
            {
                codes = [.. include.Concept.Where(c => c.Code is not null).Select(c => new ExpansionCode(canonical, c.Code!, c.Display ?? flat?.Find(c.Code!)?.Display, include.Version))];
            }
            else
            {
                if (flat is null || !flat.HasContent || !flat.IsComplete)
                {
                    throw new TerminologyException(TerminologyProblem.NotExpandable, $"the content of the code system '{system}' is not available on this server");
                }

                codes = [.. flat.Concepts
                    .Where(c => include.Filter.All(f => flat.Matches(c, f)))
                    .Where(c => !IsAbstract(c))
                    .Select(c => new ExpansionCode(canonical, c.Code!, c.Display, include.Version ?? flat.CodeSystem.Version))];
            }
        }

        foreach (var url in include.ValueSet.OfType<string>())
        {
            var nested = await FindValueSetAsync(url, cancellationToken)
                ?? throw new TerminologyException(TerminologyProblem.UnknownValueSet, $"The value set '{url}' is not known to this server.");
            var nestedCodes = await ExpandCoreAsync(nested, depth + 1, cancellationToken);
            codes = codes is null
                ? [.. nestedCodes]
                : [.. codes.Where(c => nestedCodes.Any(n => n.System == c.System && n.Code == c.Code))];
        }

        return codes ?? [];
    }

    private static bool IsAbstract(CodeSystem.ConceptDefinitionComponent concept) =>
        concept.Property.Any(p => (p.Code is "notSelectable" or "abstract") && p.Value is FhirBoolean { Value: true });

    private static IEnumerable<ValueSet.ContainsComponent> Flatten(IEnumerable<ValueSet.ContainsComponent> contains)
    {
        foreach (var item in contains)
        {
            if (item.Code is not null && item.Abstract != true)
            {
                yield return item;
            }

            foreach (var nested in Flatten(item.Contains))
            {
                yield return nested;
            }
        }
    }

    // ---- membership ----

    private async Task<Membership> MemberCoreAsync(ValueSet valueSet, string? system, string code, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth)
        {
            return Membership.Unknown;
        }

        if (valueSet.Compose is null)
        {
            return valueSet.Expansion is { } given
                ? Flatten(given.Contains).Any(c => c.Code == code && (system is null || aliases.Canonical(c.System) == system)) ? Membership.Yes : Membership.No
                : Membership.Unknown;
        }

        var included = Membership.No;
        foreach (var include in valueSet.Compose.Include)
        {
            var member = await IncludeMemberAsync(include, system, code, depth, cancellationToken);
            if (member == Membership.Yes)
            {
                included = Membership.Yes;
                break;
            }

            if (member == Membership.Unknown)
            {
                included = Membership.Unknown;
            }
        }

        if (included == Membership.No)
        {
            return Membership.No;
        }

        foreach (var exclude in valueSet.Compose.Exclude)
        {
            var excluded = await IncludeMemberAsync(exclude, system, code, depth, cancellationToken);
            if (excluded == Membership.Yes)
            {
                return Membership.No;
            }

            if (excluded == Membership.Unknown)
            {
                included = Membership.Unknown;
            }
        }

        return included;
    }

    private async Task<Membership> IncludeMemberAsync(ValueSet.ConceptSetComponent include, string? system, string code, int depth, CancellationToken cancellationToken)
    {
        var result = Membership.Yes;
        if (include.System is { } includeSystem)
        {
            if (system is not null && aliases.Canonical(includeSystem) != system)
            {
                return Membership.No;
            }

            var codeSystem = await FindCodeSystemAsync(includeSystem, cancellationToken);
            var flat = codeSystem is null ? null : FlatCodeSystem.For(codeSystem);
            if (include.Concept.Count > 0)
            {
                if (!include.Concept.Any(c => c.Code == code))
                {
                    return Membership.No;
                }
            }
            else if (flat is null || !flat.HasContent)
            {
                result = Membership.Unknown;
            }
            else
            {
                var concept = flat.Find(code);
                if (concept is null)
                {
                    if (!flat.IsComplete)
                    {
                        return Membership.Unknown;
                    }

                    return Membership.No;
                }

                try
                {
                    if (!include.Filter.All(f => flat.Matches(concept, f)))
                    {
                        return Membership.No;
                    }
                }
                catch (TerminologyException)
                {
                    result = Membership.Unknown;
                }
            }
        }

        foreach (var url in include.ValueSet.OfType<string>())
        {
            var nested = await FindValueSetAsync(url, cancellationToken);
            var member = nested is null ? Membership.Unknown : await MemberCoreAsync(nested, system, code, depth + 1, cancellationToken);
            if (member == Membership.No)
            {
                return Membership.No;
            }

            if (member == Membership.Unknown)
            {
                result = Membership.Unknown;
            }
        }

        return result;
    }
}
