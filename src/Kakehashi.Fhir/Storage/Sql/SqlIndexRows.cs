using System.Text;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The search-index rows of one resource in the idx_* tables: written by every resource write
/// and replaced by <c>$reindex</c> (without a new version) after a search parameter was added.
/// </summary>
internal static class SqlIndexRows
{
    // Keeps each multi-row INSERT well under SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerInsert = 200;

    private static readonly string[] Tables =
        ["idx_string", "idx_token", "idx_reference", "idx_date", "idx_number", "idx_quantity", "idx_uri", "idx_text"];

    public static async Task ReplaceAsync(SqlCommandRunner runner, string resourceType, string id, SearchIndex index, CancellationToken cancellationToken)
    {
        await DeleteAsync(runner, resourceType, id, cancellationToken);
        await InsertAsync(runner, resourceType, id, index, cancellationToken);
    }

    public static async Task DeleteAsync(SqlCommandRunner runner, string resourceType, string id, CancellationToken cancellationToken)
    {
        var containedCount = new SqlStatement("SELECT COUNT(*) FROM contained_resources WHERE container_type = @p0 AND container_id = @p1");
        containedCount.Add(resourceType);
        containedCount.Add(id);
        if (await runner.QueryScalarAsync(containedCount, cancellationToken) > 0)
        {
            foreach (var table in Tables)
            {
                var delete = new SqlStatement("DELETE FROM " + table + " WHERE (resource_type, id) IN"
                    + " (SELECT c.resource_type, c.id FROM contained_resources c WHERE c.container_type = @p0 AND c.container_id = @p1)");
                delete.Add(resourceType);
                delete.Add(id);
                await runner.ExecuteAsync(delete, cancellationToken);
            }

            var forget = new SqlStatement("DELETE FROM contained_resources WHERE container_type = @p0 AND container_id = @p1");
            forget.Add(resourceType);
            forget.Add(id);
            await runner.ExecuteAsync(forget, cancellationToken);
        }

        foreach (var table in Tables)
        {
            var delete = new SqlStatement("DELETE FROM " + table + " WHERE resource_type = @p0 AND id = @p1");
            delete.Add(resourceType);
            delete.Add(id);
            await runner.ExecuteAsync(delete, cancellationToken);
        }
    }

    public static async Task InsertAsync(SqlCommandRunner runner, string resourceType, string id, SearchIndex index, CancellationToken cancellationToken)
    {
        await InsertAsync(runner, "idx_string (resource_type, id, param, value_norm, value_exact)", resourceType, id, index.Strings,
            e => [e.Param, e.Normalized, e.Exact], cancellationToken);
        await InsertAsync(runner, "idx_token (resource_type, id, param, system, code, text_norm)", resourceType, id, index.Tokens,
            e => [e.Param, e.System, e.Code, e.TextNormalized], cancellationToken);
        await InsertAsync(runner, "idx_reference (resource_type, id, param, target_type, target_id, target_url)", resourceType, id, index.References,
            e => [e.Param, e.TargetType, e.TargetId, e.Url], cancellationToken);
        await InsertAsync(runner, "idx_date (resource_type, id, param, start_us, end_us)", resourceType, id, index.Dates,
            e => [e.Param, e.Start, e.End], cancellationToken);
        await InsertAsync(runner, "idx_number (resource_type, id, param, low, high)", resourceType, id, index.Numbers,
            e => [e.Param, (double)e.Low, (double)e.High], cancellationToken);
        await InsertAsync(runner, "idx_quantity (resource_type, id, param, system, code, low, high)", resourceType, id, index.Quantities,
            e => [e.Param, e.System, e.Code, (double)e.Low, (double)e.High], cancellationToken);
        await InsertAsync(runner, "idx_uri (resource_type, id, param, value)", resourceType, id, index.Uris,
            e => [e.Param, e.Value], cancellationToken);
        await InsertAsync(runner, "idx_text (resource_type, id, param, content)", resourceType, id, index.Texts,
            e => [e.Param, e.Text], cancellationToken);
        foreach (var contained in index.Contained)
        {
            var owner = ContainedResources.OwnerId(resourceType, id, contained.LocalId);
            var row = new SqlStatement("INSERT INTO contained_resources (container_type, container_id, resource_type, id) VALUES (@p0, @p1, @p2, @p3)");
            row.Add(resourceType);
            row.Add(id);
            row.Add(contained.ResourceType);
            row.Add(owner);
            await runner.ExecuteAsync(row, cancellationToken);
            await InsertAsync(runner, contained.ResourceType, owner, contained.Index, cancellationToken);
        }
    }

    private static async Task InsertAsync<T>(SqlCommandRunner runner, string tableAndColumns, string resourceType, string id, List<T> entries, Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        for (var start = 0; start < entries.Count; start += RowsPerInsert)
        {
            var statement = new SqlStatement("");
            var text = new StringBuilder("INSERT INTO ").Append(tableAndColumns).Append(" VALUES ");
            var typeParam = statement.Add(resourceType);
            var idParam = statement.Add(id);
            var end = Math.Min(entries.Count, start + RowsPerInsert);
            for (var i = start; i < end; i++)
            {
                text.Append(i == start ? "(" : ", (").Append(typeParam).Append(", ").Append(idParam);
                foreach (var value in values(entries[i]))
                {
                    text.Append(", ").Append(statement.Add(value));
                }

                text.Append(')');
            }

            statement.Text = text.ToString();
            await runner.ExecuteAsync(statement, cancellationToken);
        }
    }
}
