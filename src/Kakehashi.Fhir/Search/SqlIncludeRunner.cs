using System.Globalization;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Runs <c>_include</c> and <c>_revinclude</c> as follow-up statements over the page's matches.
/// <c>:iterate</c> specs are applied again to what was included, a few rounds deep.
/// </summary>
internal static class SqlIncludeRunner
{
    // A revinclude of a busy patient can reach thousands of resources; one page must stay bounded.
    private const int MaxPerStatement = 1000;

    private const int MaxIterations = 3;

    public static async Task<IReadOnlyList<StoredResource>> RunAsync(
        SearchQuery query, IReadOnlyList<StoredResource> matches, ISqlExecutor executor, CancellationToken cancellationToken)
    {
        if (matches.Count == 0 || (query.Includes.Count == 0 && query.RevIncludes.Count == 0))
        {
            return [];
        }

        var seen = new HashSet<string>(matches.Select(m => m.Key), StringComparer.Ordinal);
        var included = new List<StoredResource>();
        IReadOnlyList<StoredResource> sources = matches;
        for (var round = 0; round < MaxIterations && sources.Count > 0; round++)
        {
            var fresh = new List<StoredResource>();
            var first = round == 0;
            foreach (var spec in query.Includes.Where(s => first || s.Iterate))
            {
                fresh.AddRange(await RunOneAsync(Include(spec, sources, query.Restriction), executor, seen, cancellationToken));
            }

            foreach (var spec in query.RevIncludes.Where(s => first || s.Iterate))
            {
                fresh.AddRange(await RunOneAsync(RevInclude(spec, sources, query.Restriction), executor, seen, cancellationToken));
            }

            included.AddRange(fresh);
            sources = fresh;
        }

        return included;
    }

    private static async Task<List<StoredResource>> RunOneAsync(
        SqlStatement? statement, ISqlExecutor executor, HashSet<string> seen, CancellationToken cancellationToken)
    {
        if (statement is null)
        {
            return [];
        }

        var rows = await executor.QueryResourcesAsync(statement, cancellationToken);
        return [.. rows.Where(r => seen.Add(r.Key))];
    }

    /// <summary>Resources that the sources' <c>param</c> references point at, read through the sources' owner index.</summary>
    private static SqlStatement? Include(IncludeSpec spec, IReadOnlyList<StoredResource> sources, Security.AccessRestriction? restriction)
    {
        var statement = new SqlStatement("");
        var owners = OwnerFilter(statement, sources, spec.SourceType == "*" ? null : spec.SourceType, "x.resource_type", "x.id");
        if (owners is null)
        {
            return null;
        }

        var targets = $"SELECT x.target_type, x.target_id FROM idx_reference x WHERE ({owners})";
        if (spec.Param is not null)
        {
            targets += " AND x.param = " + statement.Add(spec.Param);
        }

        var where = new SqlConditionBuilder(statement, restriction).Row("r");
        if (spec.TargetType is not null)
        {
            var type = statement.Add(spec.TargetType);
            targets += " AND x.target_type = " + type;
            where += " AND r.resource_type = " + type;
        }

        statement.Text = SqlSearchRunner.SelectCurrent + "WHERE " + where + " AND (r.resource_type, r.id) IN (" + targets + ")"
            + " ORDER BY r.resource_type, r.id LIMIT " + Limit;
        return statement;
    }

    /// <summary>Resources of <c>SourceType</c> whose <c>param</c> references one of the sources, read through the reverse reference index.</summary>
    private static SqlStatement? RevInclude(IncludeSpec spec, IReadOnlyList<StoredResource> sources, Security.AccessRestriction? restriction)
    {
        var statement = new SqlStatement("");
        var targets = OwnerFilter(statement, sources, spec.TargetType, "x.target_type", "x.target_id");
        if (targets is null)
        {
            return null;
        }

        var referrers = $"SELECT x.resource_type, x.id FROM idx_reference x WHERE ({targets})";
        if (spec.Param is not null)
        {
            referrers += " AND x.param = " + statement.Add(spec.Param);
        }

        var where = new SqlConditionBuilder(statement, restriction).Row("r");
        if (spec.SourceType != "*")
        {
            var type = statement.Add(spec.SourceType);
            referrers += " AND x.resource_type = " + type;
            where += " AND r.resource_type = " + type;
        }

        statement.Text = SqlSearchRunner.SelectCurrent + "WHERE " + where + " AND (r.resource_type, r.id) IN (" + referrers + ")"
            + " ORDER BY r.resource_type, r.id LIMIT " + Limit;
        return statement;
    }

    /// <summary>"(type = @a AND id IN (…)) OR …" over the sources, optionally of one type only; null if none qualify.</summary>
    private static string? OwnerFilter(SqlStatement statement, IReadOnlyList<StoredResource> sources, string? onlyType, string typeColumn, string idColumn)
    {
        var groups = sources.Where(s => onlyType is null || s.ResourceType == onlyType).GroupBy(s => s.ResourceType, StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return null;
        }

        return string.Join(" OR ", groups.Select(g =>
            $"({typeColumn} = {statement.Add(g.Key)} AND {idColumn} IN ({string.Join(", ", g.Select(s => statement.Add(s.IndexId)))}))"));
    }

    private static string Limit => MaxPerStatement.ToString(CultureInfo.InvariantCulture);
}
