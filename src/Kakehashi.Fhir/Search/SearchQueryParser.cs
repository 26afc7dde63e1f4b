using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Turns query-string parameters into a <see cref="SearchQuery"/>. Repeated parameters are
/// ANDed, comma-separated values ORed. Strict by default: anything the server cannot honour is
/// a 400 naming the parameter, because silently ignoring a filter returns the wrong patients'
/// data. With <c>Prefer: handling=lenient</c> those parameters are listed instead.
/// </summary>
/// <remarks>
/// <c>maxValues</c> is the most values one search may carry: every comma-separated value of every
/// parameter counts, and a parameter counts at least once. More is a 400 naming the limit, lenient
/// or not: an unbounded list of values becomes an unbounded SQL statement (SQLite fails beyond
/// 32,766 variables, and 32,000 values take seconds to plan).
/// </remarks>
public sealed class SearchQueryParser(SearchParameterRegistry registry, Terminology.CodeSystemAliases? aliases = null, int maxValues = SearchQuery.DefaultMaxValues)
{
    private readonly SearchConditionParser _conditions = new(registry, aliases);

    public SearchQuery Parse(string? resourceType, IEnumerable<KeyValuePair<string, string>> parameters, bool lenient)
    {
        if (resourceType is not null && !SearchParameterRegistry.IsKnownResourceType(resourceType))
        {
            throw FhirException.NotFound($"Unknown resource type '{resourceType}'.");
        }

        var builder = new Builder();
        var values = 0;
        foreach (var (key, value) in parameters)
        {
            // Counted before anything is parsed, and outside the lenient catch: never ignored.
            values += CountValues(value);
            if (values > maxValues)
            {
                throw TooManyValues(key);
            }

            try
            {
                ParseOne(resourceType, key, value ?? "", builder);
            }
            catch (FhirException) when (lenient)
            {
                builder.Ignored.Add(key);
            }
        }

        if (builder.Contained != ContainedMode.Off)
        {
            if (builder.Sort.Any(k => k.Param is not (KnownSearchParameters.Id or KnownSearchParameters.LastUpdated)))
            {
                throw FhirException.BadRequest("With _contained, _sort accepts only _lastUpdated and _id (of the resources returned).", KnownSearchParameters.Sort);
            }

            if (builder.Contained == ContainedMode.Both && builder.ReturnContained)
            {
                throw FhirException.NotSupported("_contained=both with _containedType=contained is not supported; use _containedType=container or _contained=true.");
            }
        }

        return new SearchQuery(resourceType, builder.Conditions, builder.Count, builder.Offset)
        {
            Sort = builder.Sort,
            Total = builder.Total,
            Includes = builder.Includes,
            RevIncludes = builder.RevIncludes,
            Summary = builder.Summary,
            Elements = builder.Elements,
            IgnoredParameters = builder.Ignored,
            Cursor = builder.Cursor,
            Contained = builder.Contained,
            ReturnContained = builder.ReturnContained,
        };
    }

    private void ParseOne(string? resourceType, string key, string value, Builder builder)
    {
        switch (key)
        {
            case KnownSearchParameters.Format or KnownSearchParameters.Pretty:
                // Content negotiation belongs to the host.
                return;
            case KnownSearchParameters.Summary:
                builder.Summary = value;
                if (value == "count")
                {
                    builder.Count = 0;
                    builder.Total = SearchTotalMode.Accurate;
                }

                return;
            case KnownSearchParameters.Elements:
                builder.Elements = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                return;
            case KnownSearchParameters.Count:
                // A count of 0 is legal: the client only wants the total.
                builder.Count = Math.Min(ParseNonNegative(key, value), SearchQuery.MaxCount);
                return;
            case KnownSearchParameters.Offset:
                builder.Offset = ParseNonNegative(key, value);
                return;
            case SearchCursor.Parameter:
                // Verified and turned into an offset by the search service, which holds the key.
                builder.Cursor = value;
                return;
            case KnownSearchParameters.Sort:
                builder.Sort = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => ParseSort(resourceType, s))];
                return;
            case KnownSearchParameters.Total:
                builder.Total = value switch
                {
                    "none" => SearchTotalMode.None,
                    "estimate" => SearchTotalMode.Estimate,
                    "accurate" => SearchTotalMode.Accurate,
                    _ => throw Invalid(key, "expected none, estimate or accurate"),
                };
                return;
            case KnownSearchParameters.Type:
                builder.Conditions.Add(ParseTypes(value));
                return;
            case KnownSearchParameters.Contained:
                builder.Contained = value switch
                {
                    "false" => ContainedMode.Off,
                    "true" => ContainedMode.Only,
                    "both" => ContainedMode.Both,
                    _ => throw Invalid(key, "expected true, false or both"),
                };
                return;
            case KnownSearchParameters.ContainedType:
                builder.ReturnContained = value switch
                {
                    "container" => false,
                    "contained" => true,
                    _ => throw Invalid(key, "expected container or contained"),
                };
                return;
            case KnownSearchParameters.List when value.Length > 0:
                builder.Conditions.Add(ParseList(value));
                return;
            default:
                break;
        }

        if (key.StartsWith(KnownSearchParameters.Include, StringComparison.Ordinal)
            || key.StartsWith(KnownSearchParameters.RevInclude, StringComparison.Ordinal))
        {
            ParseInclude(resourceType, key, value, builder);
            return;
        }

        if (value.Length == 0)
        {
            // The spec says a parameter without a value is ignored.
            return;
        }

        builder.Conditions.Add(_conditions.Parse(resourceType, key, value));
    }

    private SortKey ParseSort(string? resourceType, string key)
    {
        var descending = key.StartsWith('-');
        var code = descending ? key[1..] : key;
        if (!registry.TryGet(resourceType, code, out var definition))
        {
            throw FhirException.BadRequest($"Cannot sort by unknown search parameter '{code}'.", KnownSearchParameters.Sort);
        }

        if (code is KnownSearchParameters.Text or KnownSearchParameters.Content)
        {
            throw FhirException.BadRequest($"Cannot sort by '{code}'.", KnownSearchParameters.Sort);
        }

        if (definition.Type is not (SearchParamType.String or SearchParamType.Token or SearchParamType.Date
            or SearchParamType.Number or SearchParamType.Quantity or SearchParamType.Uri))
        {
            throw FhirException.BadRequest($"Cannot sort by '{code}' of type {definition.Type}.", KnownSearchParameters.Sort);
        }

        return new SortKey(code, definition.Type, descending);
    }

    /// <summary><c>_list=id[,id]</c>: the resources that the List(s) name in <c>entry.item</c>. Functional lists (<c>$current-allergies</c>) are not kept.</summary>
    private static ListCondition ParseList(string value)
    {
        var ids = SearchValueParser.Alternatives(value);
        var invalid = ids.FirstOrDefault(id => !Interactions.ResourceIds.IsValid(id));
        return invalid is null
            ? new ListCondition(ids)
            : throw Invalid(KnownSearchParameters.List, $"'{invalid}' is not a List id (functional lists such as $current-problems are not supported)");
    }

    private static ResourceTypeCondition ParseTypes(string value)
    {
        var types = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = types.FirstOrDefault(t => !SearchParameterRegistry.IsKnownResourceType(t));
        if (unknown is not null || types.Length == 0)
        {
            throw Invalid(KnownSearchParameters.Type, $"unknown resource type '{unknown}'");
        }

        return new ResourceTypeCondition(types);
    }

    private void ParseInclude(string? resourceType, string key, string value, Builder builder)
    {
        var reverse = key.StartsWith(KnownSearchParameters.RevInclude, StringComparison.Ordinal);
        var modifier = key[(reverse ? KnownSearchParameters.RevInclude : KnownSearchParameters.Include).Length..];
        // ":recurse" is the STU3 spelling of ":iterate"; clients still send it.
        if (modifier is not ("" or ":iterate" or ":recurse"))
        {
            throw FhirException.BadRequest($"Unknown search parameter '{key}'.", key);
        }

        var spec = ParseIncludeValue(reverse ? null : resourceType, key, value, modifier.Length > 0);
        (reverse ? builder.RevIncludes : builder.Includes).Add(spec);
    }

    private IncludeSpec ParseIncludeValue(string? defaultSource, string key, string value, bool iterate)
    {
        if (value == "*")
        {
            return new IncludeSpec(defaultSource ?? "*", null, null, iterate);
        }

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || !SearchParameterRegistry.IsKnownResourceType(parts[0]))
        {
            throw Invalid(key, "expected SourceType:parameter[:TargetType]");
        }

        string? param = parts[1] == "*" ? null : parts[1];
        if (param is not null && !(registry.TryGet(parts[0], param, out var definition) && definition.Type == SearchParamType.Reference))
        {
            throw Invalid(key, $"'{parts[1]}' is not a reference parameter of {parts[0]}");
        }

        var target = parts.Length == 3 ? parts[2] : null;
        if (target is not null && !SearchParameterRegistry.IsKnownResourceType(target))
        {
            throw Invalid(key, $"unknown target type '{target}'");
        }

        return new IncludeSpec(parts[0], param, target, iterate);
    }

    /// <summary>Comma-separated values, a <c>\,</c> escape not counting as a separator; at least one.</summary>
    private static int CountValues(string? value)
    {
        var count = 1;
        for (var i = 0; i < (value?.Length ?? 0); i++)
        {
            if (value![i] == '\\')
            {
                i++;
            }
            else if (value[i] == ',')
            {
                count++;
            }
        }

        return count;
    }

    private FhirException TooManyValues(string key) =>
        FhirException.BadRequest(
            $"The search carries more than {maxValues.ToString("N0", CultureInfo.InvariantCulture)} values, the limit per search " +
            "(every comma-separated value of every parameter counts; the server's setting Kakehashi:Limits:MaxSearchValues). " +
            "Split it into several searches.",
            key);

    private static int ParseNonNegative(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid(key, "expected a non-negative integer");

    private static FhirException Invalid(string key, string why) =>
        FhirException.BadRequest($"Invalid value for search parameter '{key}': {why}.", key);

    private sealed class Builder
    {
        public List<SearchCondition> Conditions { get; } = [];

        public int Count { get; set; } = SearchQuery.DefaultCount;

        public int Offset { get; set; }

        public List<SortKey> Sort { get; set; } = [];

        public SearchTotalMode Total { get; set; } = SearchTotalMode.None;

        public List<IncludeSpec> Includes { get; } = [];

        public List<IncludeSpec> RevIncludes { get; } = [];

        public string? Summary { get; set; }

        public List<string> Elements { get; set; } = [];

        public List<string> Ignored { get; } = [];

        public string? Cursor { get; set; }

        public ContainedMode Contained { get; set; }

        public bool ReturnContained { get; set; }
    }
}
