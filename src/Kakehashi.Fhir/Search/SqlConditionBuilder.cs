using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Renders conditions as portable SQL predicates over a row of <c>resources</c> (the "owner"
/// alias). Each condition is an EXISTS over its index table, so multi-valued parameters never
/// duplicate result rows and every predicate composes with AND, OR and NOT. Only standard SQL
/// is used, so the text runs unchanged on SQLite and PostgreSQL.
/// </summary>
internal sealed class SqlConditionBuilder(SqlStatement statement)
{
    private const string LikeEscape = " ESCAPE '!'";

    private int _aliases;

    public string Where(SearchQuery query, string owner)
    {
        var where = new List<string> { owner + ".is_deleted = 0" };
        if (query.ResourceType is not null)
        {
            where.Add(owner + ".resource_type = " + statement.Add(query.ResourceType));
        }

        where.AddRange(query.Conditions.Select(c => Build(c, owner)));
        return string.Join(" AND ", where);
    }

    public string Build(SearchCondition condition, string owner) => condition switch
    {
        IdCondition ids => owner + ".id IN (" + string.Join(", ", ids.Ids.Select(statement.Add)) + ")",
        ResourceTypeCondition types => owner + ".resource_type IN (" + string.Join(", ", types.Types.Select(statement.Add)) + ")",
        NotCondition not => "NOT (" + Build(not.Inner, owner) + ")",
        MissingCondition missing => Missing(missing, owner),
        DateCondition { Param: KnownSearchParameters.LastUpdated } updated =>
            Any(updated.Values, v => DateRange(v, owner + ".last_updated", owner + ".last_updated")),
        StringCondition text => Exists("idx_string", text.Param, owner, i => Any(text.Values, v => StringValue(text.Match, v, i))),
        TokenCondition token => Exists("idx_token", token.Param, owner, i => Any(token.Values, v => TokenValue(token.MatchText, v, i))),
        ReferenceCondition reference => Exists("idx_reference", reference.Param, owner, i => Any(reference.Values, v => ReferenceValue(v, i))),
        DateCondition date => Exists("idx_date", date.Param, owner, i => Any(date.Values, v => DateRange(v, i + ".start_us", i + ".end_us"))),
        NumberCondition number => Exists("idx_number", number.Param, owner, i => Any(number.Values, v => NumberRange(v, i))),
        QuantityCondition quantity => Exists("idx_quantity", quantity.Param, owner, i => Any(quantity.Values, v => QuantityValue(v, i))),
        UriCondition uri => Exists("idx_uri", uri.Param, owner, i => Any(uri.Values, v => UriValue(uri.Match, v, i))),
        ChainCondition chain => Chain(chain, owner),
        HasCondition has => Has(has, owner),
        CompartmentCondition compartment => Compartment(compartment, owner),
        ListCondition list => List(list, owner),
        CompositeCondition composite => Any(composite.Alternatives, parts => Composite(parts, owner)),
        AnyCondition any => any.Alternatives.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", any.Alternatives.Select(a => "(" + Build(a, owner) + ")")) + ")",
        _ => throw new NotSupportedException("No SQL translation for " + condition.GetType().Name + "."),
    };

    private string NextAlias(string prefix) => prefix + (++_aliases).ToString(CultureInfo.InvariantCulture);

    private string Exists(string table, string param, string owner, Func<string, string> predicate)
    {
        var i = NextAlias("i");
        return $"EXISTS (SELECT 1 FROM {table} {i} WHERE {i}.resource_type = {owner}.resource_type AND {i}.id = {owner}.id"
            + $" AND {i}.param = {statement.Add(param)} AND ({predicate(i)}))";
    }

    private static string Any<T>(IReadOnlyList<T> values, Func<T, string> predicate) =>
        values.Count == 0 ? "1 = 0" : string.Join(" OR ", values.Select(v => "(" + predicate(v) + ")"));

    private string Missing(MissingCondition missing, string owner)
    {
        if (missing.Param is KnownSearchParameters.Id or KnownSearchParameters.LastUpdated)
        {
            // Every resource has an id and a last update.
            return missing.Missing ? "1 = 0" : "1 = 1";
        }

        var exists = Exists(SqlIndexTables.For(missing.Type), missing.Param, owner, _ => "1 = 1");
        return missing.Missing ? "NOT " + exists : exists;
    }

    private string StringValue(StringMatch match, string value, string i) => match switch
    {
        StringMatch.Exact => $"{i}.value_exact = {statement.Add(value)}",
        StringMatch.Contains => $"{i}.value_norm LIKE {statement.Add("%" + SqlIndexTables.EscapeLike(value) + "%")}" + LikeEscape,
        _ => $"{i}.value_norm LIKE {statement.Add(SqlIndexTables.EscapeLike(value) + "%")}" + LikeEscape,
    };

    private string TokenValue(bool matchText, TokenValue value, string i)
    {
        if (matchText)
        {
            return $"{i}.text_norm LIKE {statement.Add("%" + SqlIndexTables.EscapeLike(value.Code ?? "") + "%")}" + LikeEscape;
        }

        var parts = new List<string>();
        if (value.Code is not null)
        {
            parts.Add($"{i}.code = {statement.Add(value.Code)}");
        }

        if (value.System is not null)
        {
            parts.Add($"{i}.system = {statement.Add(value.System)}");
        }
        else if (value.SystemMustBeAbsent)
        {
            parts.Add($"{i}.system IS NULL");
        }

        return parts.Count == 0 ? "1 = 0" : string.Join(" AND ", parts);
    }

    private string ReferenceValue(ReferenceValue value, string i)
    {
        if (value.Url is not null)
        {
            // A canonical without "|version" matches every version of it.
            return value.Url.Contains('|', StringComparison.Ordinal)
                ? $"{i}.target_url = {statement.Add(value.Url)}"
                : $"{i}.target_url = {statement.Add(value.Url)} OR {i}.target_url LIKE {statement.Add(SqlIndexTables.EscapeLike(value.Url) + "|%")}" + LikeEscape;
        }

        var id = $"{i}.target_id = {statement.Add(value.Id)}";
        return value.Type is null ? id : $"{id} AND {i}.target_type = {statement.Add(value.Type)}";
    }

    /// <summary>
    /// R4 range semantics: the search value covers [low, high] by its precision, the indexed
    /// value covers [start, end]; "eq" means the target lies inside the search range, "gt" that
    /// part of the target lies above it, "sa" that all of it does, and so on.
    /// </summary>
    private string DateRange(DateValue value, string start, string end)
    {
        var low = statement.Add(value.Start);
        var high = statement.Add(value.End);
        var inside = $"{start} >= {low} AND {end} <= {high}";
        return value.Prefix switch
        {
            SearchPrefix.Ne => $"NOT ({inside})",
            SearchPrefix.Gt => $"{end} > {high}",
            SearchPrefix.Lt => $"{start} < {low}",
            SearchPrefix.Ge => $"{end} > {high} OR ({inside})",
            SearchPrefix.Le => $"{start} < {low} OR ({inside})",
            SearchPrefix.Sa => $"{start} > {high}",
            SearchPrefix.Eb => $"{end} < {low}",
            SearchPrefix.Ap => $"{start} <= {high} AND {end} >= {low}",
            _ => inside,
        };
    }

    /// <summary>
    /// Numbers compare against the exact value except for eq/ne/ap, which use the range that the
    /// search value's precision implies ("100" = [99.5, 100.5), upper end open) or ±10% for "ap".
    /// </summary>
    private string NumberRange(NumberValue value, string i)
    {
        string Bound(decimal number) => statement.Add((double)number);
        var (low, high) = ($"{i}.low", $"{i}.high");
        switch (value.Prefix)
        {
            case SearchPrefix.Eq:
                return $"{low} >= {Bound(value.Low)} AND {high} < {Bound(value.High)}";
            case SearchPrefix.Ne:
                return $"NOT ({low} >= {Bound(value.Low)} AND {high} < {Bound(value.High)})";
            case SearchPrefix.Ap:
                var delta = Math.Max(Math.Abs(value.Value) / 10, value.High - value.Value);
                return $"{low} <= {Bound(value.Value + delta)} AND {high} >= {Bound(value.Value - delta)}";
            default:
                var exact = Bound(value.Value);
                return value.Prefix switch
                {
                    SearchPrefix.Gt => $"{high} > {exact}",
                    SearchPrefix.Lt => $"{low} < {exact}",
                    SearchPrefix.Ge => $"{high} >= {exact}",
                    SearchPrefix.Le => $"{low} <= {exact}",
                    SearchPrefix.Sa => $"{low} > {exact}",
                    _ => $"{high} < {exact}",
                };
        }
    }

    private string QuantityValue(QuantityValue value, string i)
    {
        var predicate = NumberRange(value.Number, i);
        if (value.Code is not null)
        {
            predicate = $"({predicate}) AND {i}.code = {statement.Add(value.Code)}";
        }

        if (value.System is not null)
        {
            predicate = $"({predicate}) AND {i}.system = {statement.Add(value.System)}";
        }

        return predicate;
    }

    private string UriValue(UriMatch match, string value, string i)
    {
        switch (match)
        {
            case UriMatch.Below:
                return $"{i}.value LIKE {statement.Add(SqlIndexTables.EscapeLike(value.TrimEnd('/')) + "%")}" + LikeEscape;
            case UriMatch.Above:
                // Every path prefix of the value: "http://a/b/c" is below "http://a/b" and "http://a".
                var prefixes = new List<string> { value };
                for (var slash = value.LastIndexOf('/'); slash > value.IndexOf("//", StringComparison.Ordinal) + 1; slash = value.LastIndexOf('/', slash - 1))
                {
                    prefixes.Add(value[..slash]);
                }

                return $"{i}.value IN ({string.Join(", ", prefixes.Select(statement.Add))})";
            default:
                return $"{i}.value = {statement.Add(value)}";
        }
    }

    private string Chain(ChainCondition chain, string owner)
    {
        var c = NextAlias("c");
        var t = NextAlias("t");
        return $"EXISTS (SELECT 1 FROM idx_reference {c} JOIN resources {t} ON {t}.resource_type = {c}.target_type AND {t}.id = {c}.target_id"
            + $" WHERE {c}.resource_type = {owner}.resource_type AND {c}.id = {owner}.id AND {c}.param = {statement.Add(chain.Param)}"
            + $" AND {t}.is_deleted = 0 AND {t}.resource_type IN ({string.Join(", ", chain.TargetTypes.Select(statement.Add))})"
            + $" AND {Build(chain.Inner, t)})";
    }

    private string Has(HasCondition has, string owner)
    {
        var h = NextAlias("h");
        var s = NextAlias("s");
        return $"EXISTS (SELECT 1 FROM idx_reference {h} JOIN resources {s} ON {s}.resource_type = {h}.resource_type AND {s}.id = {h}.id"
            + $" WHERE {h}.resource_type = {statement.Add(has.SourceType)} AND {h}.param = {statement.Add(has.Param)}"
            + $" AND {h}.target_type = {owner}.resource_type AND {h}.target_id = {owner}.id"
            + $" AND {s}.is_deleted = 0 AND {Build(has.Inner, s)})";
    }

    /// <summary>
    /// The members of a compartment: one semi-join over the reverse reference index (target
    /// type and id first), so the cost follows the size of the compartment, not of the table.
    /// </summary>
    private string Compartment(CompartmentCondition compartment, string owner)
    {
        var parts = new List<string>();
        var type = statement.Add(compartment.CompartmentType);
        var id = statement.Add(compartment.CompartmentId);
        if (compartment.IncludesOwner)
        {
            parts.Add($"({owner}.resource_type = {type} AND {owner}.id = {id})");
        }

        if (compartment.Members.Count > 0)
        {
            var x = NextAlias("x");
            var members = string.Join(" OR ", compartment.Members.Select(m =>
                $"({x}.resource_type = {statement.Add(m.ResourceType)} AND {x}.param IN ({string.Join(", ", m.Params.Select(statement.Add))}))"));
            parts.Add($"({owner}.resource_type, {owner}.id) IN (SELECT {x}.resource_type, {x}.id FROM idx_reference {x}"
                + $" WHERE {x}.target_type = {type} AND {x}.target_id = {id} AND ({members}))");
        }

        return parts.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", parts) + ")";
    }

    private string List(ListCondition list, string owner)
    {
        var l = NextAlias("l");
        return $"({owner}.resource_type, {owner}.id) IN (SELECT {l}.target_type, {l}.target_id FROM idx_reference {l}"
            + $" WHERE {l}.resource_type = 'List' AND {l}.param = 'item' AND {l}.id IN ({string.Join(", ", list.ListIds.Select(statement.Add))}))";
    }

    /// <summary>
    /// The components of one composite value, all on the same element: the first component's
    /// row (param <c>code.0$g</c>) fixes the element <c>g</c>, and every other component must
    /// have a row <c>code.j$g</c> with the same <c>g</c> that satisfies its value.
    /// </summary>
    private string Composite(IReadOnlyList<SearchCondition> parts, string owner)
    {
        var first = NextAlias("k");
        var firstPrefix = ComponentParam(parts[0]) + CompositeNames.GroupSeparator;
        var sql = $"EXISTS (SELECT 1 FROM {ComponentTable(parts[0])} {first} WHERE {first}.resource_type = {owner}.resource_type AND {first}.id = {owner}.id"
            + $" AND {first}.param LIKE {statement.Add(SqlIndexTables.EscapeLike(firstPrefix) + "%")}{LikeEscape} AND ({ComponentPredicate(parts[0], first)})";
        for (var j = 1; j < parts.Count; j++)
        {
            var other = NextAlias("k");
            var prefix = ComponentParam(parts[j]) + CompositeNames.GroupSeparator;
            sql += $" AND EXISTS (SELECT 1 FROM {ComponentTable(parts[j])} {other} WHERE {other}.resource_type = {first}.resource_type AND {other}.id = {first}.id"
                + $" AND {other}.param = REPLACE({first}.param, {statement.Add(firstPrefix)}, {statement.Add(prefix)}) AND ({ComponentPredicate(parts[j], other)}))";
        }

        return sql + ")";
    }

    private static string ComponentParam(SearchCondition part) => part switch
    {
        TokenCondition t => t.Param,
        QuantityCondition q => q.Param,
        DateCondition d => d.Param,
        NumberCondition n => n.Param,
        StringCondition s => s.Param,
        UriCondition u => u.Param,
        _ => throw new NotSupportedException("No composite component " + part.GetType().Name + "."),
    };

    private static string ComponentTable(SearchCondition part) => part switch
    {
        TokenCondition => "idx_token",
        QuantityCondition => "idx_quantity",
        DateCondition => "idx_date",
        NumberCondition => "idx_number",
        StringCondition => "idx_string",
        UriCondition => "idx_uri",
        _ => throw new NotSupportedException("No composite component " + part.GetType().Name + "."),
    };

    private string ComponentPredicate(SearchCondition part, string i) => part switch
    {
        TokenCondition t => Any(t.Values, v => TokenValue(false, v, i)),
        QuantityCondition q => Any(q.Values, v => QuantityValue(v, i)),
        DateCondition d => Any(d.Values, v => DateRange(v, i + ".start_us", i + ".end_us")),
        NumberCondition n => Any(n.Values, v => NumberRange(v, i)),
        StringCondition s => Any(s.Values, v => StringValue(s.Match, v, i)),
        UriCondition u => Any(u.Values, v => UriValue(u.Match, v, i)),
        _ => throw new NotSupportedException("No composite component " + part.GetType().Name + "."),
    };
}
