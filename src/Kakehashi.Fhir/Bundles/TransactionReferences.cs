using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Task = System.Threading.Tasks.Task;

namespace Kakehashi.Fhir.Bundles;

/// <summary>
/// Resolves the identities of a transaction's entries and rewrites the references between
/// them: <c>urn:uuid:</c> full URLs become the server-assigned <c>Type/id</c>, and conditional
/// references (<c>Patient?identifier=…</c>) become the one resource they match. Every match
/// (a conditional reference, If-None-Exist, a conditional update) is a search on the caller's
/// behalf: <paramref name="authorizeMatch"/> authorizes it as one before it runs, and it sees
/// only what <paramref name="restriction"/> lets the caller see.
/// </summary>
internal sealed class TransactionReferences(
    ResourceService resources,
    IResourceTransaction tx,
    string baseUrl,
    Security.AccessRestriction? restriction,
    Action<string, IReadOnlyList<KeyValuePair<string, string>>> authorizeMatch)
{
    private readonly Dictionary<string, string> fullUrlToReference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> conditionalCache = new(StringComparer.Ordinal);
    private readonly Dictionary<Bundle.EntryComponent, AssignedIdentity> assigned = [];

    public AssignedIdentity? AssignedId(Bundle.EntryComponent entry) => assigned.GetValueOrDefault(entry);

    /// <summary>Decides which resource an entry creates or updates; returns the URL to execute.</summary>
    public async Task<string> AssignIdentityAsync(Bundle.EntryComponent entry, Security.FhirInteraction interaction, int index, CancellationToken cancellationToken)
    {
        var url = entry.Request!.Url!;
        var resource = entry.Resource;
        string? reference = null;
        switch (interaction.Kind)
        {
            case Security.InteractionKind.Create when resource is not null:
                var type = interaction.ResourceType!;
                StoredResource? existing = null;
                if (!string.IsNullOrEmpty(entry.Request!.IfNoneExist))
                {
                    var criteria = QueryParameters.Parse(RewriteUrl(entry.Request!.IfNoneExist));
                    var matches = await MatchAsync(type, criteria, cancellationToken);
                    if (matches.Count > 1)
                    {
                        throw FhirException.PreconditionFailed($"Entry {index}: more than one {type} matches If-None-Exist.");
                    }

                    existing = matches.Count == 1 ? matches[0] : null;
                }

                var id = existing?.Id ?? ResourceService.NewId();
                assigned[entry] = new AssignedIdentity(id, existing);
                reference = type + "/" + id;
                break;
            case Security.InteractionKind.Update when interaction.Id is null && resource is not null:
                var putType = interaction.ResourceType!;
                var putCriteria = QueryParameters.Parse(RewriteUrl(url[url.IndexOf('?', StringComparison.Ordinal)..]));
                var putMatches = await MatchAsync(putType, putCriteria, cancellationToken);
                if (putMatches.Count > 1)
                {
                    throw FhirException.PreconditionFailed($"Entry {index}: more than one {putType} matches the conditional update.");
                }

                string putId;
                if (putMatches.Count == 1)
                {
                    putId = putMatches[0].Id;
                }
                else if (resource.Id is { Length: > 0 } bodyId)
                {
                    await ResourceService.RequireUnusedIdAsync(tx, putType, bodyId, cancellationToken);
                    putId = bodyId;
                }
                else
                {
                    putId = ResourceService.NewId();
                }

                resource.Id = putId;
                reference = putType + "/" + putId;
                url = reference;
                break;
            case Security.InteractionKind.Update:
                reference = interaction.ResourceType + "/" + interaction.Id;
                break;
        }

        if (reference is not null && entry.FullUrl is { Length: > 0 } fullUrl)
        {
            fullUrlToReference[fullUrl] = reference;
        }

        return url;
    }

    public async Task RewriteAsync(Resource resource, CancellationToken cancellationToken)
    {
        foreach (var element in Descendants(resource))
        {
            if (element is ResourceReference { Reference: { Length: > 0 } target } reference)
            {
                reference.Reference = await ResolveAsync(target, cancellationToken);
            }
            else if (element is Narrative { Div: { Length: > 0 } div } narrative)
            {
                foreach (var (fullUrl, local) in fullUrlToReference)
                {
                    div = div.Replace(fullUrl, local, StringComparison.Ordinal);
                }

                narrative.Div = div;
            }
        }
    }

    public Task<string> RewriteUrlAsync(string url, CancellationToken cancellationToken) => Task.FromResult(RewriteUrl(url));

    private string RewriteUrl(string url)
    {
        foreach (var (fullUrl, local) in fullUrlToReference)
        {
            url = url.Replace(Uri.EscapeDataString(fullUrl), local, StringComparison.Ordinal).Replace(fullUrl, local, StringComparison.Ordinal);
        }

        return url;
    }

    private async Task<string> ResolveAsync(string target, CancellationToken cancellationToken)
    {
        if (fullUrlToReference.TryGetValue(target, out var local))
        {
            return local;
        }

        if (target.StartsWith("urn:uuid:", StringComparison.Ordinal) || target.StartsWith("urn:oid:", StringComparison.Ordinal))
        {
            throw FhirException.BadRequest($"The reference '{target}' names no entry of this transaction.");
        }

        if (target.StartsWith(baseUrl + "/", StringComparison.Ordinal) && fullUrlToReference.TryGetValue(target, out local))
        {
            return local;
        }

        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        if (questionMark <= 0 || target.Contains('/', StringComparison.Ordinal) && target.IndexOf('/', StringComparison.Ordinal) < questionMark)
        {
            return target;
        }

        if (conditionalCache.TryGetValue(target, out var cached))
        {
            return cached;
        }

        var type = target[..questionMark];
        if (!ModelInfo.IsKnownResource(type))
        {
            throw FhirException.BadRequest($"The conditional reference '{target}' names an unknown resource type.");
        }

        var matches = await MatchAsync(type, QueryParameters.Parse(RewriteUrl(target[questionMark..])), cancellationToken);
        if (matches.Count != 1)
        {
            throw FhirException.PreconditionFailed($"The conditional reference '{target}' matches {matches.Count} resources; it must match exactly one.");
        }

        return conditionalCache[target] = type + "/" + matches[0].Id;
    }

    private Task<IReadOnlyList<StoredResource>> MatchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        authorizeMatch(type, criteria);
        return resources.MatchAsync(tx, type, criteria, restriction, cancellationToken);
    }

    private static IEnumerable<Base> Descendants(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var (_, value) in current.EnumerateElements())
            {
                if (value is Base child)
                {
                    stack.Push(child);
                }
                else if (value is System.Collections.IEnumerable list and not string)
                {
                    foreach (var item in list)
                    {
                        if (item is Base listChild)
                        {
                            stack.Push(listChild);
                        }
                    }
                }
            }
        }
    }
}

internal sealed record AssignedIdentity(string Id, StoredResource? Existing);
