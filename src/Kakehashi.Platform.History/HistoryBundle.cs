using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Platform.History;

/// <summary>
/// The answer of a history view: a <c>searchset</c> Bundle of entries built for the view (not
/// stored resources: each names its sources with the derived-from extension), with its total,
/// and notes (e.g. lines withheld for want of consent) as an OperationOutcome entry.
/// </summary>
public static class HistoryBundle
{
    public static FhirResponse Render(OperationRequest request, string operation, IReadOnlyList<(string FullUrl, Resource Resource)> entries, OperationOutcome? notes = null)
    {
        var http = request.Http;
        var result = new BundleResult { Type = Bundle.BundleType.Searchset, Total = entries.Count, Outcome = notes is { Issue.Count: > 0 } ? notes : null };
        var query = http.Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)).ToList();
        result.Links.Add(("self", $"{http.BaseUrl}/Patient/{request.Id}/${operation}" + (query.Count == 0 ? "" : "?" + string.Join("&", query))));
        foreach (var (fullUrl, resource) in entries)
        {
            result.Entries.Add(new BundleResultEntry { FullUrl = fullUrl, Resource = resource, SearchMode = Bundle.SearchEntryMode.Match });
        }

        return new FhirResponse { Bundle = result };
    }

    public static OperationOutcome.IssueComponent Note(string message) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Information,
        Code = OperationOutcome.IssueType.Suppressed,
        Diagnostics = message,
    };
}
