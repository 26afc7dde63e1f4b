using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// <c>_contained=true|both</c>: the conditions are tested on contained resources, the rows of
/// <c>contained_resources</c> (alias o), whose index rows carry <see cref="ContainedResources.OwnerId"/>.
/// The page holds their containers, or with <c>_containedType=contained</c> the contained
/// resources themselves, cut out of their container's JSON. The container's row (r) passes
/// <see cref="SqlConditionBuilder.Row"/>, so access follows the container.
/// </summary>
internal static class SqlContainedSearch
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (string From, string Where) Matches(SearchQuery query, SqlSearchPlan plan, SqlConditionBuilder builder, SqlStatement statement)
    {
        var types = SqlConditionBuilder.OwnerTypes(query);
        var contained = new List<string>();
        if (types is not null)
        {
            contained.Add($"o.resource_type IN ({string.Join(", ", types.Select(statement.Add))})");
        }

        contained.AddRange(builder.Conditions(query, new SqlOwner("o", types), plan.Driver));
        var matchesContained = contained.Count == 0 ? "1 = 1" : SqlConditionBuilder.Join(" AND ", contained);
        if (query.ReturnContained)
        {
            return ("contained_resources o JOIN resources r ON r.resource_type = o.container_type AND r.id = o.container_id",
                builder.Row("r") + " AND " + matchesContained);
        }

        var containers = "(r.resource_type, r.id) IN (SELECT o.container_type, o.container_id FROM contained_resources o WHERE " + matchesContained + ")";
        if (query.Contained == ContainedMode.Only)
        {
            return ("resources r", builder.Row("r") + " AND " + containers);
        }

        var own = new List<string>();
        if (query.ResourceType is not null)
        {
            own.Add("r.resource_type = " + statement.Add(query.ResourceType));
        }

        own.AddRange(builder.Conditions(query, new SqlOwner("r", types), plan.Driver));
        var matchesOwn = own.Count == 0 ? "1 = 1" : SqlConditionBuilder.Join(" AND ", own);
        return ("resources r", $"{builder.Row("r")} AND (({matchesOwn}) OR {containers})");
    }

    /// <summary>
    /// Rows that carry a contained resource's type and owner id with its container's version:
    /// each becomes that contained resource, its key the container's plus <c>#id</c>.
    /// </summary>
    public static List<StoredResource> CutOut(List<StoredResource> rows)
    {
        var cut = new List<StoredResource>(rows.Count);
        foreach (var row in rows)
        {
            var hash = row.Id.LastIndexOf('#');
            var (containerKey, localId) = (row.Id[..hash], row.Id[(hash + 1)..]);
            var element = (JsonNode.Parse(row.Json)?["contained"] as JsonArray)?
                .FirstOrDefault(c => (string?)c?["id"] == localId);
            if (element is not null)
            {
                var json = Encoding.UTF8.GetBytes(element.ToJsonString(Compact));
                cut.Add(new StoredResource(row.ResourceType, localId, row.VersionId, row.LastUpdated, false, json) { ContainerKey = containerKey });
            }
        }

        return cut;
    }
}
