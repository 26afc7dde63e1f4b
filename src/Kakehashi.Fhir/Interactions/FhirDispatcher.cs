using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Bundles;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// Routes a <see cref="FhirRequest"/> to the interaction it names. The HTTP endpoint and the
/// batch/transaction processor both come through here, so an interaction behaves the same
/// however it arrives.
/// </summary>
public sealed class FhirDispatcher(
    ResourceService resources,
    SearchService search,
    HistoryService history,
    CapabilityStatementBuilder capabilities,
    IEnumerable<IFhirOperation> operations,
    Security.IFhirRequestGuard? guard = null)
{
    private readonly IFhirOperation[] operations = [.. operations];

    public BundleProcessor? Bundles { get; set; }

    /// <summary>
    /// Classifies the request once (<see cref="FhirInteraction.Classify(FhirRequest)"/>), lets the
    /// guard authorize that classification, and runs exactly it: the guard and the router never
    /// parse a request apart.
    /// </summary>
    public Task<FhirResponse> DispatchAsync(FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var interaction = FhirInteraction.Classify(request);
        return guard is null
            ? RouteAsync(request, interaction, transaction, cancellationToken)
            : guard.GuardAsync(request, interaction, transaction, guarded => RouteAsync(guarded, interaction, transaction, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Authorizes a search the engine runs on the caller's behalf while executing another
    /// interaction — a transaction's conditional reference or If-None-Exist — as the search it is.
    /// </summary>
    public void AuthorizeMatch(FhirRequest request, string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria) =>
        guard?.AuthorizeMatch(request, resourceType, criteria);

    private async Task<FhirResponse> RouteAsync(FhirRequest request, FhirInteraction interaction, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var type = interaction.ResourceType;
        var id = interaction.Id;
        switch (interaction.Kind)
        {
            case InteractionKind.Unknown:
                throw interaction.ToException();
            case InteractionKind.Operation:
                return await OperationAsync(request, interaction, transaction, cancellationToken);
            case InteractionKind.Capabilities:
                return new FhirResponse { Resource = capabilities.Build(request.BaseUrl) };
            case InteractionKind.Bundle:
                return transaction is null ? await ProcessBundleAsync(request, cancellationToken) : throw NotAllowed(request);
            case InteractionKind.SearchSystem:
                return await search.SearchAsync(null, request, transaction, cancellationToken);
            case InteractionKind.HistorySystem:
                return await history.HistoryAsync(null, null, request, cancellationToken);
            case InteractionKind.SearchType:
                return await search.SearchAsync(type, request, transaction, cancellationToken);
            case InteractionKind.HistoryType:
                return await history.HistoryAsync(type, null, request, cancellationToken);
            case InteractionKind.HistoryInstance:
                return await history.HistoryAsync(type, id, request, cancellationToken);
            case InteractionKind.SearchCompartment:
                return await search.CompartmentSearchAsync(type!, id!, interaction.TargetType, request, transaction, cancellationToken);
            case InteractionKind.Create when request.TransactionMatch is { } existing:
                // A transaction's If-None-Exist matched: nothing is created, the match is reported.
                return FhirResponse.ForStored(existing, HttpStatusCode.OK, isWrite: true);
            case InteractionKind.Create when request.TransactionId is { } assignedId && transaction is not null:
                return await resources.CreateWithIdAsync(transaction, type!, RequireBody(request), assignedId, request.Writer, cancellationToken);
            case InteractionKind.Create:
                return await resources.CreateAsync(type!, RequireBody(request), request.IfNoneExist, request.Writer, transaction, cancellationToken);
            case InteractionKind.Update when id is null:
                return await resources.ConditionalUpdateAsync(type!, request.Query, RequireBody(request), ParseIfMatch(request), request.Writer, transaction, cancellationToken);
            case InteractionKind.Delete when id is null:
                return await resources.ConditionalDeleteAsync(type!, request.Query, request.Writer, transaction, cancellationToken);
            case InteractionKind.Patch when id is null:
                return await resources.ConditionalPatchAsync(type!, request.Query, ParsePatch(request), ParseIfMatch(request), request.Writer, transaction, cancellationToken);
            case InteractionKind.Read:
                return ConditionalRead(request, await resources.ReadAsync(type!, id!, transaction, cancellationToken));
            case InteractionKind.VRead:
                return ConditionalRead(request, await resources.ReadVersionAsync(type!, id!, interaction.Version!.Value, cancellationToken));
            case InteractionKind.Update:
                return await resources.UpdateAsync(type!, id!, RequireBody(request), ParseIfMatch(request), request.Writer, transaction, cancellationToken);
            case InteractionKind.Delete:
                return await resources.DeleteAsync(type!, id!, ParseIfMatch(request), transaction, cancellationToken);
            case InteractionKind.Patch:
                return await resources.PatchAsync(type!, id!, ParsePatch(request), ParseIfMatch(request), request.Writer, transaction, cancellationToken);
            default:
                throw NotAllowed(request);
        }
    }

    private async Task<FhirResponse> OperationAsync(FhirRequest request, FhirInteraction interaction, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var name = interaction.Operation!;
        var (type, id) = (interaction.ResourceType, interaction.Id);
        var method = request.Method == "HEAD" ? "GET" : request.Method;
        var operation = operations.FirstOrDefault(o => o.Name == name && o.AppliesTo(type, id))
            ?? throw FhirException.NotFound($"The operation ${name} is not supported at '{request.Path}'.");
        if (method != "POST" && !(method == "GET" && operation.IsIdempotent))
        {
            throw FhirException.MethodNotAllowed($"${name} must be invoked with POST{(operation.IsIdempotent ? " or GET" : "")}.");
        }

        var parameters = request.Body as Parameters ?? new Parameters();
        if (request.Body is { } body and not Parameters)
        {
            parameters.Add("resource", body);
        }

        foreach (var (key, value) in request.Query)
        {
            parameters.Add(key, new FhirString(value));
        }

        return await operation.ExecuteAsync(new OperationRequest(request, type, id, parameters, transaction), cancellationToken);
    }

    private async Task<FhirResponse> ProcessBundleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (RequireBody(request) is not Bundle bundle)
        {
            throw FhirException.BadRequest("A POST to the base URL must carry a batch or transaction Bundle.");
        }

        var processor = Bundles ?? throw new InvalidOperationException("No bundle processor configured.");
        return await processor.ProcessAsync(bundle, request, cancellationToken);
    }

    private static FhirResponse ConditionalRead(FhirRequest request, StoredResource stored)
    {
        var notModified =
            (request.IfNoneMatch is { } etag && (etag == "*" || EtagVersion(etag) == stored.VersionId)) ||
            (request.IfNoneMatch is null && request.IfModifiedSince is { } since && WholeSeconds(stored.LastUpdated) <= since);
        return notModified
            ? new FhirResponse { Status = HttpStatusCode.NotModified, Stored = stored }
            : FhirResponse.ForStored(stored);
    }

    // HTTP dates carry whole seconds only.
    private static DateTimeOffset WholeSeconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));

    private static Resource RequireBody(FhirRequest request) =>
        request.Body ?? throw FhirException.BadRequest("This interaction needs a FHIR resource in the body.");

    public static int? ParseIfMatch(FhirRequest request) =>
        request.IfMatch is null ? null : EtagVersion(request.IfMatch)
            ?? throw FhirException.BadRequest($"If-Match '{request.IfMatch}' is not a version ETag such as W/\"3\".");

    /// <summary>Reads the version from <c>W/"3"</c>, <c>"3"</c> or <c>3</c>.</summary>
    public static int? EtagVersion(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        value = value.Trim('"');
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    private static PatchDocument ParsePatch(FhirRequest request)
    {
        var contentType = request.ContentType ?? "";
        if (contentType.Contains("json-patch", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // Every JSON Patch passes here, from the HTTP body or a Bundle entry's Binary: refuse
                // text that is not Unicode rather than store U+FFFD or fail later with a 500.
                StrictText.RequireUnicodeJson(request.RawBody, "The JSON Patch document");
                var node = JsonNode.Parse(request.RawBody ?? []) ?? throw FhirException.BadRequest("The JSON Patch document is empty.");
                return new PatchDocument(node, null);
            }
            catch (JsonException e)
            {
                throw FhirException.BadRequest("The JSON Patch document is not valid JSON: " + e.Message);
            }
        }

        if (request.Body is Parameters parameters)
        {
            return new PatchDocument(null, parameters);
        }

        throw FhirException.UnsupportedMediaType("PATCH accepts application/json-patch+json or a FHIRPath Patch Parameters resource.");
    }

    private static FhirException NotAllowed(FhirRequest request) =>
        FhirException.MethodNotAllowed($"{request.Method} is not supported at '{(request.Path.Length == 0 ? "/" : request.Path)}'.");
}
