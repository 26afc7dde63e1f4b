using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Replaces <c>:in</c> / <c>:not-in</c> conditions by the codes of their value sets, and token
/// <c>:below</c> / <c>:above</c> by the codes of the hierarchy, from the registered
/// <see cref="IValueSetExpander"/>. Without one, such a search is a 400: a filter silently
/// dropped would return the wrong records.
/// </summary>
public sealed class ValueSetConditionResolver(IEnumerable<IValueSetExpander> expanders, CodeSystemAliases? aliases = null)
{
    /// <summary>More codes than this would exceed what one SQL statement can carry portably.</summary>
    public const int MaxCodes = 5000;

    private readonly IValueSetExpander? expander = expanders.LastOrDefault();

    public async Task<SearchQuery> ResolveAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        if (!query.Conditions.Any(Contains))
        {
            return query;
        }

        var resolved = new List<SearchCondition>();
        foreach (var condition in query.Conditions)
        {
            resolved.Add(await ResolveAsync(condition, cancellationToken));
        }

        return query with { Conditions = resolved };
    }

    /// <summary>For hosts without terminology: any <c>:in</c>/<c>:not-in</c> is refused.</summary>
    public static void ThrowIfAny(SearchQuery query)
    {
        if (query.Conditions.Any(Contains))
        {
            throw NotSupported();
        }
    }

    private static bool Contains(SearchCondition condition) => condition switch
    {
        ValueSetCondition or TokenHierarchyCondition => true,
        NotCondition not => Contains(not.Inner),
        ChainCondition chain => Contains(chain.Inner),
        HasCondition has => Contains(has.Inner),
        AnyCondition any => any.Alternatives.Any(Contains),
        _ => false,
    };

    private async Task<SearchCondition> ResolveAsync(SearchCondition condition, CancellationToken cancellationToken) => condition switch
    {
        ValueSetCondition valueSet => await ExpandAsync(valueSet, cancellationToken),
        TokenHierarchyCondition hierarchy => await ExpandAsync(hierarchy, cancellationToken),
        NotCondition not => new NotCondition(await ResolveAsync(not.Inner, cancellationToken)),
        ChainCondition chain => chain with { Inner = await ResolveAsync(chain.Inner, cancellationToken) },
        HasCondition has => has with { Inner = await ResolveAsync(has.Inner, cancellationToken) },
        AnyCondition any => new AnyCondition([.. await Task.WhenAll(any.Alternatives.Select(a => ResolveAsync(a, cancellationToken)))]),
        _ => condition,
    };

    private async Task<SearchCondition> ExpandAsync(ValueSetCondition condition, CancellationToken cancellationToken)
    {
        if (expander is null)
        {
            throw NotSupported();
        }

        var codes = new List<TokenValue>();
        foreach (var url in condition.ValueSetUrls)
        {
            var expansion = await expander.ExpandAsync(url, cancellationToken)
                ?? throw FhirException.BadRequest($"The value set '{url}' of '{condition.Param}:{(condition.Negate ? "not-in" : "in")}' is not known to this server.", condition.Param);
            codes.AddRange(expansion.Select(c => new TokenValue(aliases?.Canonical(c.System) ?? c.System, c.Code)));
        }

        if (codes.Count > MaxCodes)
        {
            throw FhirException.BadRequest($"The value sets of '{condition.Param}' expand to {codes.Count} codes; at most {MaxCodes} can be searched at once.", condition.Param);
        }

        var token = new TokenCondition(condition.Param, [.. codes.Distinct()]);
        return condition.Negate ? new NotCondition(token) : token;
    }

    private async Task<SearchCondition> ExpandAsync(TokenHierarchyCondition condition, CancellationToken cancellationToken)
    {
        if (expander is null)
        {
            throw NotSupported();
        }

        var modifier = condition.Param + (condition.Below ? ":below" : ":above");
        var codes = new List<TokenValue>();
        foreach (var value in condition.Values)
        {
            if (value.System is null || value.Code is null)
            {
                throw FhirException.BadRequest($"'{modifier}' needs system|code values.", modifier);
            }

            var related = await expander.HierarchyAsync(value.System, value.Code, condition.Below, cancellationToken)
                ?? throw FhirException.BadRequest($"The code system '{value.System}' of '{modifier}' is not known to this server, so its hierarchy cannot be followed.", modifier);
            codes.AddRange(related.Select(code => new TokenValue(value.System, code)));
        }

        if (codes.Count > MaxCodes)
        {
            throw FhirException.BadRequest($"'{modifier}' covers {codes.Count} codes; at most {MaxCodes} can be searched at once.", modifier);
        }

        return new TokenCondition(condition.Param, [.. codes.Distinct()]);
    }

    private static FhirException NotSupported() =>
        FhirException.NotSupported("Searching with :in / :not-in / :below / :above on tokens is not supported: no terminology service is configured.");
}
