using System.Globalization;
using System.Text.Json.Nodes;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>The JSON metadata of a document (inbox, sent, submission answers); the Bundle only where the caller may read it.</summary>
public static class DocumentJson
{
    public static JsonObject Metadata(SharedDocument row) => new()
    {
        ["id"] = row.Id,
        ["kind"] = row.Kind,
        ["sender"] = new JsonObject { ["code"] = row.SenderCode, ["name"] = row.SenderName },
        ["recipient"] = row.RecipientCode is null ? null : new JsonObject { ["code"] = row.RecipientCode, ["name"] = row.RecipientName },
        ["patient"] = row.PatientKey,
        ["date"] = row.DocumentDate,
        ["submitted"] = Time(row.SubmittedAt),
        ["status"] = row.Status,
        ["retrieved"] = row.RetrievedAt is { } r ? Time(r) : null,
        ["acknowledged"] = row.AcknowledgedAt is { } a ? Time(a) : null,
        ["replaces"] = row.Replaces,
        ["supersededBy"] = row.SupersededBy,
        ["superseded"] = row.SupersededBy is not null,
    };

    public static JsonObject WithDocument(SharedDocument row)
    {
        var answer = Metadata(row);
        answer["document"] = JsonNode.Parse(row.Document);
        return answer;
    }

    public static JsonObject List(IEnumerable<SharedDocument> rows) => new() { ["items"] = new JsonArray([.. rows.Select(r => (JsonNode)Metadata(r))]) };

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
