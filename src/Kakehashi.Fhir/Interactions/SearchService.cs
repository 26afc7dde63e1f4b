using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Search.Compartments;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// Runs a search and shapes the result as a <c>searchset</c> Bundle with paging links. Pages
/// are addressed by signed, opaque cursors (<see cref="SearchCursor"/>), never by values a
/// client could edit into another query.
/// </summary>
public sealed class SearchService(IResourceStore store, SearchQueryParser parser, SearchCursor? cursors = null, ValueSetConditionResolver? valueSets = null)
{
    private readonly SearchCursor cursors = cursors ?? SearchCursor.Ephemeral();

    public SearchQueryParser Parser => parser;

    public Task<FhirResponse> SearchAsync(string? type, FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var query = parser.Parse(type, request.Query, request.LenientSearch);
        return RunAsync(query, request.BaseUrl + "/" + (type ?? ""), request, request.Query, transaction, cancellationToken);
    }

    /// <summary><c>GET [Compartment]/[id]/[type]</c> (or <c>/*</c> for every type the compartment holds).</summary>
    public Task<FhirResponse> CompartmentSearchAsync(string compartmentType, string id, string? type, FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var compartment = CompartmentDefinitions.For(compartmentType, id, type is null ? null : [type]);
        var query = parser.Parse(type, request.Query, request.LenientSearch);
        query = query with { Conditions = [compartment, .. query.Conditions] };
        var path = $"{request.BaseUrl}/{compartmentType}/{id}/{type ?? "*"}";
        return RunAsync(query, path, request, request.Query, transaction, cancellationToken);
    }

    /// <summary>
    /// Runs a parsed query and renders the page. <paramref name="linkQuery"/> is what the paging
    /// links repeat (and what their cursors are bound to); <paramref name="path"/> is where they point.
    /// </summary>
    public async Task<FhirResponse> RunAsync(
        SearchQuery query,
        string path,
        FhirRequest request,
        IReadOnlyList<KeyValuePair<string, string>> linkQuery,
        IResourceTransaction? transaction,
        CancellationToken cancellationToken)
    {
        var kept = linkQuery.Where(q => q.Key is not (SearchCursor.Parameter or KnownSearchParameters.Offset)).ToList();
        if (request.Restriction is { } restriction)
        {
            query = query with { Restriction = restriction };
        }

        if (query.Cursor is { } cursor)
        {
            query = query with { Offset = cursors.Decode(cursor, kept) };
        }

        if (valueSets is not null)
        {
            query = await valueSets.ResolveAsync(query, cancellationToken);
        }
        else
        {
            ValueSetConditionResolver.ThrowIfAny(query);
        }

        var page = transaction is null
            ? await store.SearchAsync(query, cancellationToken)
            : await transaction.SearchAsync(query, cancellationToken);

        var total = page.Total;
        if (total is null && !page.HasMore && query.Offset == 0 && query.Count > 0)
        {
            // The whole result fits on this page, so its size is the exact total at no cost.
            total = page.Matches.Count;
        }

        var result = new BundleResult { Type = Bundle.BundleType.Searchset, Total = total, Outcome = IgnoredParameters(query) };
        result.Links.Add(("self", Link(path, linkQuery)));
        if (page.HasMore)
        {
            result.Links.Add(("next", Link(path, [.. kept, new(SearchCursor.Parameter, cursors.Encode(query.Offset + query.Count, kept))])));
        }

        if (query.Offset > 0)
        {
            var previous = Math.Max(0, query.Offset - query.Count);
            result.Links.Add(("previous", Link(path, previous == 0 ? kept : [.. kept, new(SearchCursor.Parameter, cursors.Encode(previous, kept))])));
            result.Links.Add(("first", Link(path, kept)));
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

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
