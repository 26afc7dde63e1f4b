using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>Translates a <see cref="SearchQuery"/> to SQL over the index tables and runs it.</summary>
public static class SqlSearchRunner
{
    /// <summary>The columns <see cref="ISqlExecutor.QueryResourcesAsync"/> expects, from the current version.</summary>
    internal const string SelectCurrent =
        "SELECT v.resource_type, v.id, v.version_id, v.last_updated, v.is_deleted, v.data " +
        "FROM resources r JOIN resource_versions v ON v.resource_type = r.resource_type AND v.id = r.id AND v.version_id = r.version_id ";

    /// <summary>Beyond this many matches <c>_total=estimate</c> stops counting.</summary>
    public const int EstimateCap = 10_000;

    /// <summary>Runs the search; <paramref name="databasePlansDrivers"/> as <see cref="SqlDialect.PlansSearchDrivers"/> says.</summary>
    public static async Task<SearchPage> RunAsync(SearchQuery query, ISqlExecutor executor, CancellationToken cancellationToken, bool databasePlansDrivers = false)
    {
        var plan = await SqlSearchPlanner.PlanAsync(query, executor, databasePlansDrivers, cancellationToken);
        if (plan.IsEmpty)
        {
            // Some condition matches nothing: so does the search, and its total is known.
            var known = query.Total != SearchTotalMode.None || (query.Offset == 0 && query.Count > 0);
            return new SearchPage([], [], known ? 0 : null, HasMore: false);
        }

        List<StoredResource>? walked = null;
        if (plan.Fallback is { } fallback)
        {
            if (WalkWindow(query) is > 0 and var window)
            {
                walked = await executor.QueryResourcesAsync(PageStatement(query, plan, window), cancellationToken);
            }

            if (walked is null || walked.Count <= query.Count)
            {
                // The window did not fill the page (or there is none to walk): the _has drives.
                (walked, plan) = (null, plan with { Driver = fallback, Fallback = null });
            }
        }

        List<StoredResource> rows = [];
        var hasMore = false;
        if (query.Count > 0)
        {
            rows = walked ?? await executor.QueryResourcesAsync(PageStatement(query, plan), cancellationToken);
            hasMore = rows.Count > query.Count;
            if (hasMore)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            if (query.ReturnContained && query.Contained != ContainedMode.Off)
            {
                rows = SqlContainedSearch.CutOut(rows);
            }
        }

        int? total = null;
        if (query.Total == SearchTotalMode.Accurate)
        {
            var count = new SqlStatement("");
            var (from, where) = Matches(query, plan, count);
            count.Text = $"SELECT COUNT(*) FROM {from} WHERE {where}";
            total = (int)await executor.QueryScalarAsync(count, cancellationToken);
            // A count-only request (_count=0) has no next page to link to.
            hasMore = query.Count > 0 && total > query.Offset + query.Count;
        }
        else if (query.Total == SearchTotalMode.Estimate)
        {
            // A bounded count: exact up to the cap, and never slower than reading that many index
            // rows however large the result. Past the cap the cap itself is reported, a lower bound.
            var count = new SqlStatement("");
            var (from, where) = Matches(query, plan, count);
            count.Text = $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM {from} WHERE {where} LIMIT {Invariant(EstimateCap + 1)}) bounded";
            total = (int)Math.Min(await executor.QueryScalarAsync(count, cancellationToken), EstimateCap);
        }
        else if (!hasMore && (rows.Count > 0 || query.Offset == 0) && query.Count > 0)
        {
            // The last page reveals the total for free.
            total = query.Offset + rows.Count;
        }

        var included = await SqlIncludeRunner.RunAsync(query, rows, executor, cancellationToken);
        return new SearchPage(rows, included, total, hasMore);
    }

    /// <summary>
    /// One page of matches, plus one row that tells whether a next page exists without counting.
    /// The matches are ordered and cut on <c>resources</c> alone, and only the page's rows are
    /// joined to their versions: sorting a few hundred matches must not carry their JSON along.
    /// </summary>
    private static SqlStatement PageStatement(SearchQuery query, SqlSearchPlan plan, int window = 0)
    {
        var statement = new SqlStatement("");
        var (from, where) = Matches(query, plan, statement);
        if (window > 0)
        {
            // The first resources of the type in result order; a full page found among them is
            // the page, since the rows after them sort later.
            from = $"(SELECT * FROM resources w WHERE w.resource_type = {statement.Add(query.ResourceType)}"
                + $" ORDER BY w.last_updated, w.id LIMIT {Invariant(window)}) r";
        }

        var keys = SortKeys(query.Sort, statement);
        // A contained match is a row of contained_resources (o) inside its container (r): the
        // page carries its owner id, and the container's version gives the JSON to cut it from.
        var entries = query.ReturnContained && query.Contained != ContainedMode.Off;
        if (entries)
        {
            keys.Add(("o.id", false, false));
        }

        var columns = string.Concat(keys.Select((k, i) => $", {k.Expression} AS k{Invariant(i)}"));
        var inner = string.Join(", ", keys.Select((k, i) => $"k{Invariant(i)}" + Direction(k)));
        var outer = string.Join(", ", keys.Select((k, i) => $"p.k{Invariant(i)}" + Direction(k)));
        statement.Text = (entries ? "SELECT p.o_type, p.o_id" : "SELECT v.resource_type, v.id") + ", v.version_id, v.last_updated, v.is_deleted, v.data"
            + $" FROM (SELECT {(entries ? "o.resource_type AS o_type, o.id AS o_id, " : "")}r.resource_type, r.id, r.version_id{columns}"
            + $" FROM {from} WHERE {where}"
            + $" ORDER BY {inner} LIMIT {Invariant(query.Count + 1)} OFFSET {Invariant(query.Offset)}) p"
            + " JOIN resource_versions v ON v.resource_type = p.resource_type AND v.id = p.id AND v.version_id = p.version_id"
            + " ORDER BY " + outer;
        return statement;
    }

    /// <summary>
    /// How many resources of the type to walk in result order before letting a <c>_has</c> drive
    /// (<see cref="SqlSearchPlan.Fallback"/>): ten pages' worth, so a code that most owners have
    /// fills the page within it. None (0) when the order is not the resources' own or the page
    /// lies deep.
    /// </summary>
    private static int WalkWindow(SearchQuery query)
    {
        var needed = query.Offset + query.Count + 1;
        var walkable = query.ResourceType is not null && query.Sort.Count == 0 && query.Contained == ContainedMode.Off && query.Count > 0;
        return walkable && needed <= 500 ? needed * 10 : 0;
    }

    /// <summary>Where the matches come from: resources (r), or with <c>_contained</c> the containers or contained rows (o within r).</summary>
    private static (string From, string Where) Matches(SearchQuery query, SqlSearchPlan plan, SqlStatement statement)
    {
        var builder = new SqlConditionBuilder(statement, query.Restriction);
        return query.Contained == ContainedMode.Off
            ? ("resources r", builder.Where(query, "r", plan.Driver))
            : SqlContainedSearch.Matches(query, plan, builder, statement);
    }

    // Only value keys say NULLS LAST: on a column SQLite could walk in order, it would stop using the index.
    private static string Direction((string Expression, bool Descending, bool MayBeNull) key) =>
        (key.Descending ? " DESC" : "") + (key.MayBeNull ? " NULLS LAST" : "");

    /// <summary>
    /// Sort keys become correlated subqueries (a resource may have several values: ascending
    /// uses the smallest, descending the largest). Resources without a value sort last on both
    /// databases, and the id breaks ties so that paging is stable. The aggregated value is an
    /// expression, not the bare column: SQLite would otherwise answer MIN/MAX by walking a value
    /// index of the whole type backwards until it met this resource's row, for every row.
    /// </summary>
    private static List<(string Expression, bool Descending, bool MayBeNull)> SortKeys(IReadOnlyList<SortKey> sort, SqlStatement statement)
    {
        if (sort.Count == 0)
        {
            return [("r.last_updated", false, false), ("r.id", false, false)];
        }

        var keys = new List<(string, bool, bool)>();
        foreach (var key in sort)
        {
            switch (key.Param)
            {
                case KnownSearchParameters.Id:
                    keys.Add(("r.id", key.Descending, false));
                    break;
                case KnownSearchParameters.LastUpdated:
                    keys.Add(("r.last_updated", key.Descending, false));
                    break;
                default:
                    var column = SqlIndexTables.SortColumn(key.Type, key.Descending);
                    var expression = key.Type is SearchParamType.String or SearchParamType.Token or SearchParamType.Uri ? $"o.{column} || ''" : $"o.{column} + 0";
                    var value = $"(SELECT {(key.Descending ? "MAX" : "MIN")}({expression}) FROM {SqlIndexTables.For(key.Type)} o"
                        + $" WHERE o.resource_type = r.resource_type AND o.id = r.id AND o.param = {statement.Add(key.Param)})";
                    keys.Add((value, key.Descending, true));
                    break;
            }
        }

        if (!sort.Any(k => k.Param == KnownSearchParameters.Id))
        {
            // In the first key's direction, so that "-_lastUpdated" walks the index backwards.
            keys.Add(("r.id", sort[0].Descending, false));
        }

        return keys;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
