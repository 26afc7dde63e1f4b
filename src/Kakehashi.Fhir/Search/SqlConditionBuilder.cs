using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Renders conditions as portable SQL predicates over a row of <c>resources</c> (the owner). Each
/// condition has a filter form, tested on every owner row (a correlated EXISTS over its index
/// table, found through the owner index), so multi-valued parameters never duplicate result rows
/// and every predicate composes with AND, OR and NOT. Most also have a set form, the matching
/// (type, id) pairs read from a range of the value index; the most selective set, chosen by
/// <see cref="SqlSearchPlanner"/>, drives the query as <c>(type, id) IN (set)</c>, so a search
/// reads the rows it returns instead of testing every resource of the type. Only standard SQL
/// is used, so the text runs unchanged on SQLite and PostgreSQL.
/// </summary>
internal sealed class SqlConditionBuilder(SqlStatement statement, Security.AccessRestriction? restriction = null)
{
    private const string LikeEscape = " ESCAPE '!'";

    // Longer chains of one operator are nested in halves (see Join).
    private const int FlatTerms = 32;

    private int _aliases;

    /// <summary>
    /// What every row of <c>resources</c> must satisfy wherever one appears: the matches, chain
    /// targets, <c>_has</c> sources and included resources. The one place where a further
    /// row-level predicate (such as an access restriction) is ANDed.
    /// </summary>
    public string Row(string alias) => SqlAccessPredicate.And(alias + ".is_deleted = 0", restriction, statement, alias);

    /// <summary>The WHERE clause over <paramref name="alias"/>; <paramref name="driver"/> (one of the query's conditions), if any, in its set form.</summary>
    public string Where(SearchQuery query, string alias, SearchCondition? driver = null)
    {
        var owner = new SqlOwner(alias, OwnerTypes(query));
        var where = new List<string> { Row(alias) };
        if (query.ResourceType is not null)
        {
            where.Add(alias + ".resource_type = " + statement.Add(query.ResourceType));
        }

        where.AddRange(Conditions(query, owner, driver));
        return Join(" AND ", where);
    }

    /// <summary>
    /// <paramref name="terms"/> joined by <paramref name="op"/> (AND or OR). SQLite refuses an
    /// expression more than 1,000 deep, and a flat chain of n terms is n deep, so a search of many
    /// values (up to MaxSearchValues, docs/search.md) is nested in parenthesized halves instead,
    /// log2(n) deep. Both databases flatten such nests again when planning; short chains, every
    /// ordinary search, keep their text.
    /// </summary>
    public static string Join(string op, IReadOnlyList<string> terms)
    {
        if (terms.Count <= FlatTerms)
        {
            return string.Join(op, terms);
        }

        var half = terms.Count / 2;
        return "(" + Join(op, [.. terms.Take(half)]) + ")" + op + "(" + Join(op, [.. terms.Skip(half)]) + ")";
    }

    /// <summary>The query's conditions on <paramref name="owner"/>, <paramref name="driver"/> in its set form.</summary>
    public IEnumerable<string> Conditions(SearchQuery query, SqlOwner owner, SearchCondition? driver) =>
        query.Conditions.Select(c => ReferenceEquals(c, driver) ? Driven(c, owner) : Filter(c, owner));

    /// <summary>The types the matches of a query can have, when it says.</summary>
    public static IReadOnlyList<string>? OwnerTypes(SearchQuery query) =>
        query.ResourceType is { } type ? [type] : query.Conditions.OfType<ResourceTypeCondition>().FirstOrDefault()?.Types;

    /// <summary>
    /// True when the condition has a set form whose rows come from an index range that (nearly)
    /// all match, so listing them — or counting them up to a bound — costs what they number.
    /// </summary>
    public static bool CanDrive(SearchCondition condition) => condition switch
    {
        IdCondition => true,
        StringCondition text => text.Match != StringMatch.Contains,
        TokenCondition token => !token.MatchText && token.Values.All(v => v.Code is not null),
        ReferenceCondition reference => reference.Values.All(v => v.Id is not null),
        DateCondition date => date.Param != KnownSearchParameters.LastUpdated
            && date.Values.All(v => v.Prefix is not (SearchPrefix.Ne or SearchPrefix.Ap)),
        NumberCondition number => number.Values.All(v => IsLowBounded(v.Prefix)),
        QuantityCondition quantity => quantity.Values.All(v => v.Code is not null && IsLowBounded(v.Number.Prefix)),
        UriCondition uri => uri.Match != UriMatch.Below,
        MissingCondition missing => !missing.Missing && missing.Param is not (KnownSearchParameters.Id or KnownSearchParameters.LastUpdated)
            && SqlIndexTables.Has(missing.Type),
        ChainCondition chain => CanDrive(chain.Inner),
        HasCondition has => CanDrive(has.Inner),
        CompartmentCondition or ListCondition => true,
        AnyCondition any => any.Alternatives.Count > 0 && any.Alternatives.All(CanDrive),
        _ => false,
    };

    /// <summary>The set form: <c>SELECT type, id</c> of the rows that satisfy the condition (<see cref="CanDrive"/> must hold).</summary>
    public string Set(SearchCondition condition, SqlOwner owner) => condition switch
    {
        IdCondition ids => IdSet(ids, owner),
        StringCondition text => IndexSet("idx_string", text.Param, owner, i => Any(text.Values, v => StringValue(text.Match, v, i))),
        TokenCondition token => IndexSet("idx_token", token.Param, owner, i => Any(token.Values, v => TokenValue(false, v, i))),
        ReferenceCondition reference => IndexSet("idx_reference", reference.Param, owner, i => Any(reference.Values, v => ReferenceValue(v, i))),
        DateCondition date => IndexSet("idx_date", date.Param, owner, i => Any(date.Values, v => DateRange(v, i + ".start_us", i + ".end_us", leading: true))),
        NumberCondition number => IndexSet("idx_number", number.Param, owner, i => Any(number.Values, v => NumberRange(v, i, leading: true))),
        QuantityCondition quantity => IndexSet("idx_quantity", quantity.Param, owner, i => Any(quantity.Values, v => QuantityValue(v, i, leading: true))),
        UriCondition uri => IndexSet("idx_uri", uri.Param, owner, i => Any(uri.Values, v => UriValue(uri.Match, v, i))),
        MissingCondition missing => IndexSet(SqlIndexTables.For(missing.Type), missing.Param, owner, _ => "1 = 1"),
        ChainCondition chain => ChainSet(chain, owner),
        HasCondition has => ReverseChainSet(has, owner),
        CompartmentCondition compartment => CompartmentSet(compartment),
        ListCondition list => ListSet(list),
        AnyCondition any => string.Join(" UNION ALL ", any.Alternatives.Select(a => Set(a, owner))),
        _ => throw new NotSupportedException("No set form for " + condition.GetType().Name + "."),
    };

    private string IdSet(IdCondition ids, SqlOwner owner)
    {
        var p = NextAlias("p");
        return $"SELECT {p}.resource_type, {p}.id FROM resources {p} WHERE {TypeIn(p + ".resource_type", owner.Types)}{Filter(ids, owner with { Alias = p })}";
    }

    /// <summary>
    /// The owner is one of the condition's set (an id list is a primary-key lookup as it is). The
    /// set is wrapped in a derived table, whose columns every set names resource_type and id:
    /// SQLite scans the whole table for an IN over a bare UNION (alternatives, a compartment with
    /// its owner) but drives lookups from the wrapped one, and PostgreSQL makes a semi-join of
    /// it, where an OR beside the IN (the old compartment form) made it scan with a hashed
    /// subplan.
    /// </summary>
    public string Driven(SearchCondition condition, SqlOwner owner)
    {
        if (condition is IdCondition)
        {
            return Filter(condition, owner);
        }

        var u = NextAlias("u");
        return $"({owner.Alias}.resource_type, {owner.Alias}.id) IN (SELECT {u}.resource_type, {u}.id FROM ({Set(condition, owner)}) {u})";
    }

    /// <summary>The filter form: a predicate on the owner row.</summary>
    public string Filter(SearchCondition condition, SqlOwner owner)
    {
        var o = owner.Alias;
        return condition switch
        {
            IdCondition ids => o + ".id IN (" + string.Join(", ", ids.Ids.Select(statement.Add)) + ")",
            ResourceTypeCondition types => o + ".resource_type IN (" + string.Join(", ", types.Types.Select(statement.Add)) + ")",
            NotCondition not => "NOT (" + Filter(not.Inner, owner) + ")",
            MissingCondition missing => Missing(missing, o),
            DateCondition { Param: KnownSearchParameters.LastUpdated } updated =>
                Any(updated.Values, v => DateRange(v, o + ".last_updated", o + ".last_updated")),
            StringCondition text => Exists("idx_string", text.Param, o, i => Any(text.Values, v => StringValue(text.Match, v, i))),
            TokenCondition token => Exists("idx_token", token.Param, o, i => Any(token.Values, v => TokenValue(token.MatchText, v, i))),
            ReferenceCondition reference => Exists("idx_reference", reference.Param, o, i => Any(reference.Values, v => ReferenceValue(v, i))),
            DateCondition date => Exists("idx_date", date.Param, o, i => Any(date.Values, v => DateRange(v, i + ".start_us", i + ".end_us"))),
            NumberCondition number => Exists("idx_number", number.Param, o, i => Any(number.Values, v => NumberRange(v, i))),
            QuantityCondition quantity => Exists("idx_quantity", quantity.Param, o, i => Any(quantity.Values, v => QuantityValue(v, i))),
            UriCondition uri => Exists("idx_uri", uri.Param, o, i => Any(uri.Values, v => UriValue(uri.Match, v, i))),
            ChainCondition chain => Chain(chain, o),
            HasCondition has => Has(has, o),
            CompartmentCondition => Driven(condition, owner),
            ListCondition list => $"({o}.resource_type, {o}.id) IN ({ListSet(list)})",
            CompositeCondition composite => Any(composite.Alternatives, parts => Composite(parts, o)),
            TextCondition text => Text(text, o),
            AnyCondition any => any.Alternatives.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", any.Alternatives.Select(a => "(" + Filter(a, owner) + ")")) + ")",
            _ => throw new NotSupportedException("No SQL translation for " + condition.GetType().Name + "."),
        };
    }

    /// <summary>Substrings of the one text row of the owner: there is no index on the words, so it is never a driver.</summary>
    private string Text(TextCondition text, string owner)
    {
        var x = NextAlias("x");
        return $"EXISTS (SELECT 1 FROM idx_text {x} WHERE {x}.id = {owner}.id AND {x}.resource_type = {owner}.resource_type"
            + $" AND {x}.param = {statement.Add(text.Param)} AND ({Any(text.Alternatives, words => Words(words, x))}))";
    }

    private string Words(IReadOnlyList<string> words, string x) => words.Count == 0 ? "1 = 0" : string.Join(" AND ", words.Select(w =>
        $"{x}.content LIKE {statement.Add("%" + SqlIndexTables.EscapeLike(w) + "%")}" + LikeEscape));

    private static bool IsLowBounded(SearchPrefix prefix) => prefix is SearchPrefix.Eq or SearchPrefix.Lt or SearchPrefix.Le or SearchPrefix.Sa;

    private string NextAlias(string prefix) => prefix + (++_aliases).ToString(CultureInfo.InvariantCulture);

    private string Exists(string table, string param, string owner, Func<string, string> predicate)
    {
        var i = NextAlias("i");
        return $"EXISTS (SELECT 1 FROM {table} {i} WHERE {i}.resource_type = {owner}.resource_type AND {i}.id = {owner}.id"
            + $" AND {i}.param = {statement.Add(param)} AND ({predicate(i)}))";
    }

    private string IndexSet(string table, string param, SqlOwner owner, Func<string, string> predicate)
    {
        var i = NextAlias("i");
        return $"SELECT {i}.resource_type, {i}.id FROM {table} {i} WHERE {TypeIn(i + ".resource_type", owner.Types)}"
            + $"{i}.param = {statement.Add(param)} AND ({predicate(i)})";
    }

    /// <summary>"column IN (types) AND ", or nothing when the types are not known.</summary>
    private string TypeIn(string column, IReadOnlyList<string>? types) => types switch
    {
        null => "",
        [var one] => $"{column} = {statement.Add(one)} AND ",
        _ => $"{column} IN ({string.Join(", ", types.Select(statement.Add))}) AND ",
    };

    private static string Any<T>(IReadOnlyList<T> values, Func<T, string> predicate) =>
        values.Count == 0 ? "1 = 0" : Join(" OR ", [.. values.Select(v => "(" + predicate(v) + ")")]);

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
        // The normalized form is implied by the exact one and is what the value index holds.
        StringMatch.Exact => $"{i}.value_norm = {statement.Add(SearchIndexWriter.Truncate(TextNormalizer.Normalize(value)))} AND {i}.value_exact = {statement.Add(value)}",
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
    /// part of the target lies above it, "sa" that all of it does, and so on. With
    /// <paramref name="leading"/>, eq, ge and le also state the bound they imply (start &lt;= end)
    /// on one column, so that the value index has a closed range to read.
    /// </summary>
    private string DateRange(DateValue value, string start, string end, bool leading = false)
    {
        var low = statement.Add(value.Start);
        var high = statement.Add(value.End);
        var inside = $"{start} >= {low} AND {end} <= {high}";
        return value.Prefix switch
        {
            SearchPrefix.Ne => $"NOT ({inside})",
            SearchPrefix.Gt => $"{end} > {high}",
            SearchPrefix.Lt => $"{start} < {low}",
            SearchPrefix.Ge => (leading ? $"{end} >= {low} AND " : "") + $"({end} > {high} OR ({inside}))",
            SearchPrefix.Le => (leading ? $"{start} <= {high} AND " : "") + $"({start} < {low} OR ({inside}))",
            SearchPrefix.Sa => $"{start} > {high}",
            SearchPrefix.Eb => $"{end} < {low}",
            SearchPrefix.Ap => $"{start} <= {high} AND {end} >= {low}",
            _ => (leading ? $"{start} <= {high} AND " : "") + inside,
        };
    }

    /// <summary>
    /// Numbers compare against the exact value except for eq/ne/ap, which use the range that the
    /// search value's precision implies ("100" = [99.5, 100.5), upper end open) or ±10% for "ap".
    /// </summary>
    private string NumberRange(NumberValue value, string i, bool leading = false)
    {
        string Bound(decimal number) => statement.Add((double)number);
        var (low, high) = ($"{i}.low", $"{i}.high");
        switch (value.Prefix)
        {
            case SearchPrefix.Eq:
                // low <= high, so "high < H" implies "low < H": a closed range on the value index.
                return $"{low} >= {Bound(value.Low)} AND {high} < {Bound(value.High)}" + (leading ? $" AND {low} < {Bound(value.High)}" : "");
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

    private string QuantityValue(QuantityValue value, string i, bool leading = false)
    {
        var predicate = NumberRange(value.Number, i, leading);
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
            + $" AND {Row(t)} AND {t}.resource_type IN ({string.Join(", ", chain.TargetTypes.Select(statement.Add))})"
            + $" AND {Filter(chain.Inner, new SqlOwner(t, chain.TargetTypes))})";
    }

    /// <summary>The owners whose reference points at a target that the inner condition's set yields.</summary>
    private string ChainSet(ChainCondition chain, SqlOwner owner)
    {
        var c = NextAlias("c");
        var t = NextAlias("t");
        var targets = new SqlOwner(t, chain.TargetTypes);
        var live = $"FROM resources {t} WHERE {Row(t)} AND {TypeIn(t + ".resource_type", chain.TargetTypes)}{Driven(chain.Inner, targets)}";
        // With one target type the id alone is compared: SQLite evaluates a (type, id) IN list
        // twice when it drives a lookup on an index that has the two columns in another order.
        var pointsAtTarget = chain.TargetTypes.Count == 1
            ? $"{c}.target_type = {statement.Add(chain.TargetTypes[0])} AND {c}.target_id IN (SELECT {t}.id {live})"
            : $"({c}.target_type, {c}.target_id) IN (SELECT {t}.resource_type, {t}.id {live})";
        return $"SELECT {c}.resource_type, {c}.id FROM idx_reference {c} WHERE {TypeIn(c + ".resource_type", owner.Types)}{c}.param = {statement.Add(chain.Param)}"
            + $" AND {pointsAtTarget}";
    }

    /// <summary>
    /// Tested owner by owner through the reverse index. The filter form is used when the sources
    /// are too many to drive (or another condition drives), so matches are dense and the first
    /// page is a few owners into the walk. "LIMIT 1 OFFSET 0" keeps PostgreSQL from turning the
    /// EXISTS into a semi-join, which would build the whole set of targets first (2,000 sources:
    /// 50 ms instead of 1 ms); SQLite tests it row by row anyway.
    /// </summary>
    private string Has(HasCondition has, string owner)
    {
        var h = NextAlias("h");
        var s = NextAlias("s");
        return $"EXISTS (SELECT 1 FROM idx_reference {h} JOIN resources {s} ON {s}.resource_type = {h}.resource_type AND {s}.id = {h}.id"
            + $" WHERE {h}.resource_type = {statement.Add(has.SourceType)} AND {h}.param = {statement.Add(has.Param)}"
            + $" AND {h}.target_type = {owner}.resource_type AND {h}.target_id = {owner}.id"
            + $" AND {Row(s)} AND {Filter(has.Inner, new SqlOwner(s, [has.SourceType]))} LIMIT 1 OFFSET 0)";
    }

    /// <summary>The targets referenced by the sources that the inner condition's set yields.</summary>
    private string ReverseChainSet(HasCondition has, SqlOwner owner)
    {
        var h = NextAlias("h");
        var s = NextAlias("s");
        var sources = new SqlOwner(s, [has.SourceType]);
        var type = statement.Add(has.SourceType);
        // The source type is fixed, so the id alone is compared (see ChainSet).
        return $"SELECT {h}.target_type AS resource_type, {h}.target_id AS id FROM idx_reference {h} WHERE {h}.resource_type = {type}"
            + $" AND {h}.param = {statement.Add(has.Param)} AND {TypeIn(h + ".target_type", owner.Types)}"
            + $"{h}.id IN (SELECT {s}.id FROM resources {s} WHERE {Row(s)} AND {s}.resource_type = {type} AND {Driven(has.Inner, sources)})";
    }

    /// <summary>
    /// The members of a compartment, read from the reverse reference index (target type and id
    /// first), so the cost follows the size of the compartment, not of the table; and the
    /// compartment's own resource when it belongs to the result.
    /// </summary>
    private string CompartmentSet(CompartmentCondition compartment)
    {
        var parts = new List<string>();
        if (compartment.Members.Count > 0)
        {
            parts.Add(CompartmentMembers(compartment));
        }

        if (compartment.IncludesOwner)
        {
            parts.Add($"SELECT {statement.Add(compartment.CompartmentType)} AS resource_type, {statement.Add(compartment.CompartmentId)} AS id");
        }

        return parts.Count == 0 ? "SELECT resource_type, id FROM resources WHERE 1 = 0" : string.Join(" UNION ALL ", parts);
    }

    private string CompartmentMembers(CompartmentCondition compartment)
    {
        var x = NextAlias("x");
        // One list of (type, parameter) pairs: an OR per member type cost PostgreSQL more to plan
        // (a bitmap branch each, ~60 for the Patient compartment) than to run.
        var members = string.Join(", ", compartment.Members.SelectMany(m => m.Params.Select(p =>
            $"({statement.Add(m.ResourceType)}, {statement.Add(p)})")));
        return $"SELECT {x}.resource_type, {x}.id FROM idx_reference {x}"
            + $" WHERE {x}.target_type = {statement.Add(compartment.CompartmentType)} AND {x}.target_id = {statement.Add(compartment.CompartmentId)}"
            + $" AND ({x}.resource_type, {x}.param) IN (VALUES {members})";
    }

    private string ListSet(ListCondition list)
    {
        var l = NextAlias("l");
        return $"SELECT {l}.target_type AS resource_type, {l}.target_id AS id FROM idx_reference {l}"
            + $" WHERE {l}.resource_type = 'List' AND {l}.param = 'item' AND {l}.id IN ({string.Join(", ", list.ListIds.Select(statement.Add))})";
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
