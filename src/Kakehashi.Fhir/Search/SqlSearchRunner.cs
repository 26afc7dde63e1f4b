using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>Translates a <see cref="SearchQuery"/> to SQL over the index tables and runs it.</summary>
public static class SqlSearchRunner
{
    public static async Task<SearchPage> RunAsync(SearchQuery query, ISqlExecutor executor, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement("");
        var where = new List<string> { "r.is_deleted = 0" };
        if (query.ResourceType is not null)
        {
            where.Add("r.resource_type = " + statement.Add(query.ResourceType));
        }

        foreach (var condition in query.Conditions)
        {
            if (condition is IdCondition ids)
            {
                where.Add("r.id IN (" + string.Join(", ", ids.Ids.Select(statement.Add)) + ")");
            }
        }

        statement.Text =
            "SELECT v.resource_type, v.id, v.version_id, v.last_updated, v.is_deleted, v.data " +
            "FROM resources r JOIN resource_versions v ON v.resource_type = r.resource_type AND v.id = r.id AND v.version_id = r.version_id " +
            "WHERE " + string.Join(" AND ", where) +
            " ORDER BY r.last_updated, r.id LIMIT " + (query.Count + 1) + " OFFSET " + query.Offset;
        var rows = await executor.QueryResourcesAsync(statement, cancellationToken);
        var hasMore = rows.Count > query.Count;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new SearchPage(rows, [], null, hasMore);
    }
}
