using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>Runs a search and shapes the result as a <c>searchset</c> Bundle with paging links.</summary>
public sealed class SearchService(IResourceStore store, SearchQueryParser parser)
{
    public async Task<FhirResponse> SearchAsync(string? type, FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var query = parser.Parse(type, request.Query, request.LenientSearch);
        var page = transaction is null
            ? await store.SearchAsync(query, cancellationToken)
            : await transaction.SearchAsync(query, cancellationToken);

        var total = page.Total;
        if (total is null && !page.HasMore && query.Offset == 0)
        {
            // The whole result fits on this page, so its size is the exact total at no cost.
            total = page.Matches.Count;
        }

        var result = new BundleResult { Type = Bundle.BundleType.Searchset, Total = total, Outcome = IgnoredParameters(query) };
        var path = request.BaseUrl + "/" + (type ?? "");
        var kept = request.Query.Where(q => q.Key != "_offset").ToList();
        result.Links.Add(("self", Link(path, request.Query)));
        if (page.HasMore)
        {
            result.Links.Add(("next", Link(path, [.. kept, new("_offset", (query.Offset + query.Count).ToString(System.Globalization.CultureInfo.InvariantCulture))])));
        }

        if (query.Offset > 0)
        {
            result.Links.Add(("previous", Link(path, [.. kept, new("_offset", Math.Max(0, query.Offset - query.Count).ToString(System.Globalization.CultureInfo.InvariantCulture))])));
        }

        foreach (var match in page.Matches)
        {
            result.Entries.Add(new BundleResultEntry { FullUrl = request.BaseUrl + "/" + match.Key, Stored = match, SearchMode = Bundle.SearchEntryMode.Match });
        }

        foreach (var included in page.Included)
        {
            result.Entries.Add(new BundleResultEntry { FullUrl = request.BaseUrl + "/" + included.Key, Stored = included, SearchMode = Bundle.SearchEntryMode.Include });
        }

        return new FhirResponse { Bundle = result };
    }

    private static OperationOutcome? IgnoredParameters(SearchQuery query)
    {
        if (query.IgnoredParameters.Count == 0)
        {
            return null;
        }

        var outcome = new OperationOutcome();
        foreach (var ignored in query.IgnoredParameters)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.NotSupported,
                Diagnostics = $"The search parameter '{ignored}' was ignored.",
            });
        }

        return outcome;
    }

    internal static string Link(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        var parts = query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)).ToList();
        return parts.Count == 0 ? path : path + "?" + string.Join("&", parts);
    }
}
