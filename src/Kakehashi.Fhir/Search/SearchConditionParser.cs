using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Parses one filtering parameter (<c>name[:modifier][.chain]=values</c> or
/// <c>_has:Type:param:…</c>) into a <see cref="SearchCondition"/>, checking it against the
/// registry so unknown parameters and modifiers fail here rather than in SQL.
/// </summary>
internal sealed class SearchConditionParser(SearchParameterRegistry registry, Terminology.CodeSystemAliases? aliases = null)
{
    public SearchCondition Parse(string? resourceType, string key, string value)
    {
        if (key.StartsWith(KnownSearchParameters.Has + ":", StringComparison.Ordinal))
        {
            return ParseHas(resourceType, key, value);
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            return ParseChain(resourceType, key[..dot], key[(dot + 1)..], key, value);
        }

        var (code, modifier) = SplitModifier(key);
        var definition = Lookup(resourceType, code, key);
        if (modifier is not null && code is KnownSearchParameters.Text or KnownSearchParameters.Content)
        {
            throw FhirException.BadRequest($"Search parameter '{key}': {code} takes no modifier.", key);
        }

        try
        {
            return modifier == "missing"
                ? new MissingCondition(code, definition.Type, SearchValueParser.ParseBoolean(value))
                : ParseTyped(definition, modifier, key, value);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw FhirException.BadRequest($"Invalid value for search parameter '{key}': {e.Message}.", key);
        }
    }

    private SearchCondition ParseTyped(SearchParameterDefinition definition, string? modifier, string key, string value)
    {
        var code = definition.Code;
        switch (code)
        {
            case KnownSearchParameters.Id when modifier is null:
                return new IdCondition(SearchValueParser.Alternatives(value));
            case KnownSearchParameters.LastUpdated when modifier is null:
                return new DateCondition(code, [.. SearchValueParser.Alternatives(value).Select(SearchValueParser.ParseDate)]);
            case KnownSearchParameters.Text or KnownSearchParameters.Content when modifier is null:
                return new TextCondition(code, [.. Normalized(value).Select(v => (IReadOnlyList<string>)v.Split(' ', StringSplitOptions.RemoveEmptyEntries))]);
            default:
                break;
        }

        return (definition.Type, modifier) switch
        {
            (SearchParamType.String, null) => new StringCondition(code, StringMatch.StartsWith, Normalized(value)),
            (SearchParamType.String, "contains") => new StringCondition(code, StringMatch.Contains, Normalized(value)),
            (SearchParamType.String, "exact") => new StringCondition(code, StringMatch.Exact, SearchValueParser.Alternatives(value)),
            (SearchParamType.Token, null) => new TokenCondition(code, Tokens(value)),
            (SearchParamType.Token, "not") => new NotCondition(new TokenCondition(code, Tokens(value))),
            (SearchParamType.Token, "in") => new ValueSetCondition(code, SearchValueParser.Alternatives(value), Negate: false),
            (SearchParamType.Token, "not-in") => new ValueSetCondition(code, SearchValueParser.Alternatives(value), Negate: true),
            (SearchParamType.Token, "below") => new TokenHierarchyCondition(code, Tokens(value), Below: true),
            (SearchParamType.Token, "above") => new TokenHierarchyCondition(code, Tokens(value), Below: false),
            (SearchParamType.Token, "of-type") => new TokenCondition(code + KnownSearchParameters.OfTypeSuffix, OfType(value)),
            (SearchParamType.Token, "text") => new TokenCondition(code, [.. Normalized(value).Select(t => new TokenValue(null, t))], MatchText: true),
            (SearchParamType.Reference, "identifier") => new TokenCondition(code + KnownSearchParameters.IdentifierSuffix, Tokens(value)),
            (SearchParamType.Reference, _) => new ReferenceCondition(code, References(definition, modifier, key, value)),
            (SearchParamType.Date, null) => new DateCondition(code, [.. SearchValueParser.Alternatives(value).Select(SearchValueParser.ParseDate)]),
            (SearchParamType.Number, null) => new NumberCondition(code, [.. SearchValueParser.Alternatives(value).Select(SearchValueParser.ParseNumber)]),
            (SearchParamType.Quantity, null) => Quantities(code, [.. SearchValueParser.SplitEscaped(value, ',').Select(SearchValueParser.ParseQuantity)]),
            (SearchParamType.Uri, null) => new UriCondition(code, UriMatch.Exact, SearchValueParser.Alternatives(value)),
            (SearchParamType.Uri, "below") => new UriCondition(code, UriMatch.Below, SearchValueParser.Alternatives(value)),
            (SearchParamType.Uri, "above") => new UriCondition(code, UriMatch.Above, SearchValueParser.Alternatives(value)),
            (SearchParamType.Composite, null) when definition.Components is { Count: > 1 } => Composite(definition, value),
            (SearchParamType.Composite or SearchParamType.Special, _) =>
                throw FhirException.NotSupported($"Search parameter '{key}' of type {definition.Type} is not supported."),
            _ => throw FhirException.BadRequest($"Search parameter '{key}': modifier ':{modifier}' is not supported for {definition.Type} parameters.", key),
        };
    }

    private static List<string> Normalized(string value) =>
        [.. SearchValueParser.Alternatives(value).Select(TextNormalizer.Normalize).Where(v => v.Length > 0)];

    /// <summary>
    /// A composite value: alternatives separated by ',', components by '$', each parsed by the
    /// type of its component parameter. Quantities are compared as written (not in UCUM
    /// canonical units) inside composites.
    /// </summary>
    private CompositeCondition Composite(SearchParameterDefinition definition, string value)
    {
        var components = definition.Components!;
        var alternatives = new List<IReadOnlyList<SearchCondition>>();
        foreach (var alternative in SearchValueParser.SplitEscaped(value, ',').Where(v => v.Length > 0))
        {
            var parts = SearchValueParser.SplitEscaped(alternative, CompositeNames.GroupSeparator);
            if (parts.Count != components.Count)
            {
                throw new FormatException($"a value of this composite has {components.Count} parts separated by '$'");
            }

            var conditions = new List<SearchCondition>();
            for (var j = 0; j < parts.Count; j++)
            {
                var param = CompositeNames.Component(definition.Code, j);
                var part = parts[j];
                conditions.Add(registry.TypeOfUrl(components[j].Definition) switch
                {
                    SearchParamType.Token => new TokenCondition(param, Tokens(part)),
                    SearchParamType.Quantity => new QuantityCondition(param, [SearchValueParser.ParseQuantity(part)]),
                    SearchParamType.Date => new DateCondition(param, [SearchValueParser.ParseDate(SearchValueParser.Unescape(part))]),
                    SearchParamType.Number => new NumberCondition(param, [SearchValueParser.ParseNumber(SearchValueParser.Unescape(part))]),
                    SearchParamType.String => new StringCondition(param, StringMatch.StartsWith, [TextNormalizer.Normalize(SearchValueParser.Unescape(part))]),
                    SearchParamType.Uri => new UriCondition(param, UriMatch.Exact, [SearchValueParser.Unescape(part)]),
                    _ => throw FhirException.NotSupported($"Component {j + 1} of composite '{definition.Code}' has a type that cannot be searched."),
                });
            }

            alternatives.Add(conditions);
        }

        return new CompositeCondition(definition.Code, alternatives);
    }

    /// <summary>
    /// UCUM values with a known conversion are compared in the canonical unit (against the
    /// canonical index entries); the others as written. Mixed alternatives become an OR.
    /// </summary>
    private static SearchCondition Quantities(string code, List<QuantityValue> values)
    {
        var canonical = new List<QuantityValue>();
        var plain = new List<QuantityValue>();
        foreach (var value in values)
        {
            var number = value.Number;
            if (value.System == UcumUnits.System
                && UcumUnits.TryCanonical(value.Code, number.Value, out var unit, out var converted)
                && UcumUnits.TryCanonical(value.Code, number.Low, out _, out var low)
                && UcumUnits.TryCanonical(value.Code, number.High, out _, out var high))
            {
                canonical.Add(new QuantityValue(new NumberValue(number.Prefix, converted, low, high), UcumUnits.System, unit));
            }
            else
            {
                plain.Add(value);
            }
        }

        var canonicalCondition = new QuantityCondition(code + KnownSearchParameters.CanonicalSuffix, canonical);
        var plainCondition = new QuantityCondition(code, plain);
        return canonical.Count == 0 ? plainCondition
            : plain.Count == 0 ? canonicalCondition
            : new AnyCondition([plainCondition, canonicalCondition]);
    }

    /// <summary><c>:of-type</c> values: <c>type-system|type-code|identifier-value</c>, all three required.</summary>
    private List<TokenValue> OfType(string value)
    {
        var values = new List<TokenValue>();
        foreach (var alternative in SearchValueParser.SplitEscaped(value, ',').Where(v => v.Length > 0))
        {
            var parts = SearchValueParser.SplitEscaped(alternative, '|').Select(SearchValueParser.Unescape).ToList();
            if (parts.Count != 3 || parts.Any(p => p.Length == 0))
            {
                throw new FormatException("':of-type' takes type-system|type-code|value");
            }

            values.Add(new TokenValue(aliases?.Canonical(parts[0]) ?? parts[0], parts[1] + "|" + parts[2]));
        }

        return values;
    }

    // Systems are compared by their canonical name, as indexed: an OID and its URL find the same codes.
    private List<TokenValue> Tokens(string value) =>
        [.. SearchValueParser.SplitEscaped(value, ',').Where(v => v.Length > 0).Select(SearchValueParser.ParseToken)
            .Select(t => aliases is null || t.System is null ? t : t with { System = aliases.Canonical(t.System) })];

    private static List<ReferenceValue> References(SearchParameterDefinition definition, string? modifier, string key, string value)
    {
        if (modifier is not null && !IsAllowedTarget(definition, modifier))
        {
            throw FhirException.BadRequest($"'{modifier}' is not a target type of search parameter '{definition.Code}'.", key);
        }

        var values = new List<ReferenceValue>();
        foreach (var alternative in SearchValueParser.Alternatives(value))
        {
            if (ReferenceParts.TryParseLocal(alternative, out var type, out var id))
            {
                if (modifier is not null && modifier != type)
                {
                    throw FhirException.BadRequest($"'{alternative}' does not match the type modifier ':{modifier}'.", key);
                }

                values.Add(new ReferenceValue(type, id, null));
            }
            else if (alternative.Contains(':', StringComparison.Ordinal))
            {
                // Absolute URLs, urn:uuid and canonicals are matched as written.
                values.Add(new ReferenceValue(null, null, alternative));
            }
            else if (!alternative.Contains('/', StringComparison.Ordinal))
            {
                // A bare id: the type comes from the modifier, or from the only possible target.
                var single = definition.Targets.Count == 1 ? definition.Targets[0] : null;
                values.Add(new ReferenceValue(modifier ?? single, alternative, null));
            }
            else
            {
                throw FhirException.BadRequest($"Invalid reference '{alternative}' for search parameter '{key}'.", key);
            }
        }

        return values;
    }

    private ChainCondition ParseChain(string? resourceType, string head, string tail, string key, string value)
    {
        var (code, typeModifier) = SplitModifier(head);
        var definition = Lookup(resourceType, code, key);
        if (definition.Type != SearchParamType.Reference)
        {
            throw FhirException.BadRequest($"Search parameter '{code}' is not a reference, so '{key}' cannot chain from it.", key);
        }

        if (typeModifier is not null && !IsAllowedTarget(definition, typeModifier))
        {
            throw FhirException.BadRequest($"'{typeModifier}' is not a target type of search parameter '{code}'.", key);
        }

        IEnumerable<string> candidates = typeModifier is not null ? [typeModifier]
            : definition.Targets.Count > 0 ? definition.Targets
            : ModelInfo.SupportedResources.Where(SearchParameterRegistry.IsKnownResourceType);
        var tailCode = ChainedCode(tail);
        var targets = candidates.Where(t => registry.TryGet(t, tailCode, out _)).ToList();
        if (targets.Count == 0)
        {
            throw FhirException.BadRequest($"Unknown search parameter '{tailCode}' in chain '{key}'.", key);
        }

        var types = targets.Select(t => { registry.TryGet(t, tailCode, out var d); return d.Type; }).Distinct().Count();
        if (types > 1)
        {
            // Different types would need different SQL for the same value.
            throw FhirException.BadRequest($"Chain '{key}' is ambiguous; name the target type, e.g. '{code}:{targets[0]}.{tail}'.", key);
        }

        return new ChainCondition(code, targets, Parse(targets[0], tail, value));
    }

    private HasCondition ParseHas(string? resourceType, string key, string value)
    {
        var parts = key.Split(':', 4);
        if (parts.Length < 4 || !SearchParameterRegistry.IsKnownResourceType(parts[1]))
        {
            throw FhirException.BadRequest($"Invalid '{key}': expected _has:Type:reference:parameter.", key);
        }

        var (sourceType, param, rest) = (parts[1], parts[2], parts[3]);
        if (!registry.TryGet(sourceType, param, out var definition) || definition.Type != SearchParamType.Reference)
        {
            throw FhirException.BadRequest($"Invalid '{key}': '{param}' is not a reference parameter of {sourceType}.", key);
        }

        if (resourceType is not null && !IsAllowedTarget(definition, resourceType))
        {
            throw FhirException.BadRequest($"Invalid '{key}': {sourceType}.{param} cannot refer to {resourceType}.", key);
        }

        return new HasCondition(sourceType, param, Parse(sourceType, rest, value));
    }

    private SearchParameterDefinition Lookup(string? resourceType, string code, string key) =>
        registry.TryGet(resourceType, code, out var definition)
            ? definition
            : throw FhirException.BadRequest($"Unknown search parameter '{key}'" + (resourceType is null ? "." : $" for {resourceType}."), key);

    private static bool IsAllowedTarget(SearchParameterDefinition definition, string type) =>
        SearchParameterRegistry.IsKnownResourceType(type) && (definition.Targets.Count == 0 || definition.Targets.Contains(type));

    private static (string Code, string? Modifier) SplitModifier(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (key, null) : (key[..colon], key[(colon + 1)..]);
    }

    private static string ChainedCode(string tail)
    {
        var end = tail.IndexOfAny([':', '.']);
        return end < 0 ? tail : tail[..end];
    }
}
