using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>History at system, type and instance level, newest first, paged with a cursor.</summary>
public sealed class HistoryService(IResourceStore store, int defaultCount = 50, int maxCount = 1000)
{
    private const string CursorParameter = "_cursor";

    public async Task<FhirResponse> HistoryAsync(string? type, string? id, FhirRequest request, CancellationToken cancellationToken)
    {
        var count = defaultCount;
        DateTimeOffset? since = null, at = null;
        long? before = null;
        foreach (var (name, value) in request.Query)
        {
            switch (name)
            {
                case "_count":
                    count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0
                        ? Math.Min(c, maxCount)
                        : throw FhirException.BadRequest($"_count '{value}' is not a positive integer.");
                    break;
                case "_since":
                    since = ParseInstant(name, value);
                    break;
                case "_at":
                    at = ParseInstant(name, value);
                    break;
                case CursorParameter:
                    before = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                        ? b
                        : throw FhirException.BadRequest($"The history cursor '{value}' is not valid.");
                    break;
                case "_format" or "_pretty" or "_summary" or "_elements":
                    break;
                default:
                    throw FhirException.BadRequest($"'{name}' is not a history parameter (use _count, _since or _at).");
            }
        }

        if (id is not null && await store.ReadAsync(type!, id, cancellationToken) is null)
        {
            throw FhirException.NotFound($"{type}/{id} is not known.");
        }

        var page = await store.HistoryAsync(new HistoryQuery(type, id, since, at, count, before) { Restriction = request.Restriction }, cancellationToken);
        var result = new BundleResult { Type = Bundle.BundleType.History };
        var path = request.BaseUrl + "/" + string.Join("/", new[] { type, id }.Where(s => s is not null)) + (type is null ? "" : "/") + "_history";
        result.Links.Add(("self", SearchService.Link(path, request.Query)));
        if (page.NextBeforeSequence is { } next)
        {
            var query = request.Query.Where(q => q.Key != CursorParameter).Append(new(CursorParameter, next.ToString(CultureInfo.InvariantCulture)));
            result.Links.Add(("next", SearchService.Link(path, query)));
        }

        foreach (var entry in page.Entries)
        {
            var stored = entry.Resource;
            result.Entries.Add(new BundleResultEntry
            {
                FullUrl = request.BaseUrl + "/" + stored.Key,
                Stored = stored.IsDeleted ? null : stored,
                Request = (entry.Method, entry.Method == "POST" ? stored.ResourceType : stored.Key),
                Response = new Bundle.ResponseComponent
                {
                    Status = entry.Method switch { "POST" => "201 Created", "DELETE" => "204 No Content", _ => "200 OK" },
                    Etag = stored.ETag,
                    LastModified = stored.LastUpdated,
                },
            });
        }

        return new FhirResponse { Bundle = result };
    }

    private static DateTimeOffset ParseInstant(string name, string value)
    {
        return FhirDateTime.IsValidValue(value)
            ? new FhirDateTime(value).ToDateTimeOffset(TimeSpan.Zero)
            : throw FhirException.BadRequest($"{name} '{value}' is not a FHIR instant, e.g. 2026-01-31T09:00:00+09:00.");
    }
}
