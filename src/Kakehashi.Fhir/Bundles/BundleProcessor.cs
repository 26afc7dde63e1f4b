using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Bundles;

/// <summary>
/// Batch and transaction Bundles. A transaction runs in one store transaction: all entries
/// commit or none do. Its entries are processed in the order the specification defines
/// (DELETE, POST, PUT/PATCH, GET/HEAD) after every <c>urn:uuid</c> and conditional reference
/// has been resolved to a real <c>Type/id</c>.
/// </summary>
public sealed class BundleProcessor(FhirDispatcher dispatcher, ResourceService resources, BundleRenderer renderer, int maxEntries)
{
    public async Task<FhirResponse> ProcessAsync(Bundle bundle, FhirRequest request, CancellationToken cancellationToken)
    {
        if (bundle.Type is not (Bundle.BundleType.Batch or Bundle.BundleType.Transaction))
        {
            throw FhirException.BadRequest($"A Bundle of type '{bundle.Type}' cannot be processed; send a batch or transaction.", "Bundle.type");
        }

        if (bundle.Entry.Count > maxEntries)
        {
            throw FhirException.TooLarge($"The Bundle has {bundle.Entry.Count} entries; this server accepts at most {maxEntries} per request.");
        }

        var interactions = new FhirInteraction[bundle.Entry.Count];
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            interactions[i] = Classify(bundle.Entry[i], i, request);
        }

        return bundle.Type == Bundle.BundleType.Transaction
            ? await TransactionAsync(bundle, interactions, request, cancellationToken)
            : await BatchAsync(bundle, request, cancellationToken);
    }

    private async Task<FhirResponse> BatchAsync(Bundle bundle, FhirRequest request, CancellationToken cancellationToken)
    {
        var result = new BundleResult { Type = Bundle.BundleType.BatchResponse };
        foreach (var entry in bundle.Entry)
        {
            try
            {
                var entryRequest = ToRequest(entry, entry.Request!.Url!, request);
                var response = await dispatcher.DispatchAsync(entryRequest, null, cancellationToken);
                result.Entries.Add(ToResultEntry(response, request));
            }
            catch (FhirException e)
            {
                result.Entries.Add(new BundleResultEntry
                {
                    Response = new Bundle.ResponseComponent { Status = StatusLine(e.Status), Outcome = e.Outcome },
                });
            }
        }

        return new FhirResponse { Bundle = result };
    }

    /// <summary>
    /// The interaction an entry runs, classified by the dispatcher's own route parser. An entry
    /// whose URL names no interaction for its method (<c>POST Consent/a/b</c>), or whose body does
    /// not fit it (a resource posted to <c>Type/_search</c>), is a 400 before anything runs.
    /// </summary>
    private static FhirInteraction Classify(Bundle.EntryComponent entry, int index, FhirRequest outer)
    {
        if (entry.Request?.Method is not { } method || string.IsNullOrEmpty(entry.Request.Url))
        {
            throw FhirException.BadRequest($"Entry {index} has no request method and url.", $"Bundle.entry[{index}].request");
        }

        var url = entry.Request.Url;
        var interaction = FhirInteraction.Classify(method.ToString(), EntryPath(url, outer), url.Contains('?', StringComparison.Ordinal));
        var problem = interaction.Kind switch
        {
            InteractionKind.Unknown => interaction.ToException().Message,
            InteractionKind.Bundle => "a Bundle cannot be nested in a batch or transaction",
            InteractionKind.Create or InteractionKind.Update when entry.Resource is null => $"{method} needs a resource",
            InteractionKind.Create or InteractionKind.Update when entry.Resource!.TypeName != interaction.ResourceType =>
                $"it sends a {entry.Resource.TypeName} to the {interaction.ResourceType} endpoint",
            _ when entry.Resource is not null && !interaction.TakesResource && !(interaction.Kind == InteractionKind.Patch && entry.Resource is Parameters or Binary) =>
                $"{method} {url} is a {interaction.Name} interaction, which takes no resource",
            _ => null,
        };
        return problem is null
            ? interaction
            : throw FhirException.BadRequest($"Entry {index} ({method} {url}) names no interaction this server can run: {problem}.", $"Bundle.entry[{index}].request.url");
    }

    private static string EntryPath(string url, FhirRequest outer)
    {
        var questionMark = url.IndexOf('?', StringComparison.Ordinal);
        var path = questionMark < 0 ? url : url[..questionMark];
        if (path.StartsWith(outer.BaseUrl, StringComparison.Ordinal))
        {
            path = path[outer.BaseUrl.Length..];
        }

        return path.Trim('/');
    }

    private async Task<FhirResponse> TransactionAsync(Bundle bundle, FhirInteraction[] interactions, FhirRequest request, CancellationToken cancellationToken)
    {
        await using var tx = await resources.Store.BeginTransactionAsync(cancellationToken);
        var references = new TransactionReferences(resources, tx, request.BaseUrl, request.Restriction, (type, criteria) => dispatcher.AuthorizeMatch(request, type, criteria));
        var entries = bundle.Entry.Select((entry, index) => (entry, index)).ToList();
        var responses = new BundleResultEntry[entries.Count];

        var urls = entries.Select(e => e.entry.Request!.Url!).ToArray();
        var identitiesAssigned = false;
        foreach (var (entry, index) in entries.OrderBy(e => Order(e.entry.Request!.Method)).ThenBy(e => e.index))
        {
            try
            {
                if (!identitiesAssigned && entry.Request!.Method != Bundle.HTTPVerb.DELETE)
                {
                    // After the deletes (so If-None-Exist sees them) and before any write, every
                    // entry's final Type/id must be known so that references can be rewritten.
                    foreach (var (other, otherIndex) in entries.Where(e => e.entry.Request!.Method != Bundle.HTTPVerb.DELETE))
                    {
                        urls[otherIndex] = await references.AssignIdentityAsync(other, interactions[otherIndex], otherIndex, cancellationToken);
                    }

                    identitiesAssigned = true;
                }

                if (entry.Resource is not null)
                {
                    await references.RewriteAsync(entry.Resource, cancellationToken);
                }

                var response = await ExecuteAsync(entry, urls[index], references, tx, request, cancellationToken);
                responses[index] = ToResultEntry(response, request);
            }
            catch (FhirException e)
            {
                e.AddIssue(OperationOutcome.IssueType.Processing, $"The transaction failed at entry {index} ({entry.Request!.Method} {entry.Request!.Url!}); nothing was stored.", $"Bundle.entry[{index}]");
                throw;
            }
        }

        await tx.CommitAsync(cancellationToken);
        var result = new BundleResult { Type = Bundle.BundleType.TransactionResponse };
        result.Entries.AddRange(responses);
        return new FhirResponse { Bundle = result };
    }

    private async Task<FhirResponse> ExecuteAsync(Bundle.EntryComponent entry, string url, TransactionReferences references, IResourceTransaction tx, FhirRequest request, CancellationToken cancellationToken)
    {
        var entryRequest = ToRequest(entry, await references.RewriteUrlAsync(url, cancellationToken), request);
        if (references.AssignedId(entry) is { } assigned)
        {
            // A create whose id was fixed before any entry ran: it still runs through the dispatcher and its guard.
            entryRequest = entryRequest with { TransactionId = assigned.Id, TransactionMatch = assigned.Existing };
        }

        return await dispatcher.DispatchAsync(entryRequest, tx, cancellationToken);
    }

    /// <summary>The request an entry makes, as the dispatcher will receive it (before references are rewritten).</summary>
    public static FhirRequest EntryRequest(Bundle.EntryComponent entry, FhirRequest outer) => ToRequest(entry, entry.Request!.Url!, outer);

    private static FhirRequest ToRequest(Bundle.EntryComponent entry, string url, FhirRequest outer)
    {
        var questionMark = url.IndexOf('?', StringComparison.Ordinal);
        var path = EntryPath(url, outer);
        return new FhirRequest
        {
            Method = entry.Request!.Method!.Value.ToString(),
            Path = path,
            Query = questionMark < 0 ? [] : QueryParameters.Parse(url[questionMark..]),
            Body = entry.Resource,
            ContentType = entry.Resource is Binary binary ? binary.ContentType : null,
            RawBody = entry.Resource is Binary { Data: { } data } ? data : null,
            IfMatch = entry.Request!.IfMatch,
            IfNoneMatch = entry.Request!.IfNoneMatch,
            IfNoneExist = entry.Request!.IfNoneExist,
            IfModifiedSince = entry.Request!.IfModifiedSince,
            Return = outer.Return,
            BaseUrl = outer.BaseUrl,
            Caller = outer.Caller,
        };
    }

    private BundleResultEntry ToResultEntry(FhirResponse response, FhirRequest outer)
    {
        var stored = response.Stored;
        var location = stored is null ? null : stored.Key + "/_history/" + stored.VersionId.ToString(CultureInfo.InvariantCulture);
        var include = outer.Return == ReturnPreference.Representation || !response.IsWrite;
        return new BundleResultEntry
        {
            FullUrl = stored is null || stored.IsDeleted ? null : outer.BaseUrl + "/" + stored.Key,
            Stored = include && stored is { IsDeleted: false } && response.Status != HttpStatusCode.NotModified ? stored : null,
            Resource = include ? response.Resource ?? (response.Bundle is null ? null : renderer.ToPoco(response.Bundle)) : null,
            Response = new Bundle.ResponseComponent
            {
                Status = StatusLine(response.Status),
                Location = response.IsWrite && response.Status == HttpStatusCode.Created ? location : null,
                Etag = stored?.ETag,
                LastModified = stored?.LastUpdated,
            },
        };
    }

    private static string StatusLine(HttpStatusCode status) =>
        ((int)status).ToString(CultureInfo.InvariantCulture) + " " + status switch
        {
            HttpStatusCode.OK => "OK",
            HttpStatusCode.Created => "Created",
            HttpStatusCode.NoContent => "No Content",
            HttpStatusCode.NotModified => "Not Modified",
            _ => status.ToString(),
        };

    private static int Order(Bundle.HTTPVerb? method) => method switch
    {
        Bundle.HTTPVerb.DELETE => 0,
        Bundle.HTTPVerb.POST => 1,
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 2,
        _ => 3,
    };
}
