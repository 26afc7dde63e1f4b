using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Bundles;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
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

    public Task<FhirResponse> DispatchAsync(FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        guard is null
            ? RouteAsync(request, transaction, cancellationToken)
            : guard.GuardAsync(request, transaction, guarded => RouteAsync(guarded, transaction, cancellationToken), cancellationToken);

    private async Task<FhirResponse> RouteAsync(FhirRequest request, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var segments = request.Segments;
        var method = request.Method == "HEAD" ? "GET" : request.Method;
        if (segments.Length > 0 && segments[^1].StartsWith('$'))
        {
            return await OperationAsync(request, segments, method, transaction, cancellationToken);
        }

        switch (segments.Length)
        {
            case 0:
                return method switch
                {
                    "POST" when transaction is null => await ProcessBundleAsync(request, cancellationToken),
                    "GET" => await search.SearchAsync(null, request, transaction, cancellationToken),
                    _ => throw NotAllowed(request),
                };
            case 1 when segments[0] == "metadata" && method == "GET":
                return new FhirResponse { Resource = capabilities.Build(request.BaseUrl) };
            case 1 when segments[0] == "_search" && method == "POST":
                return await search.SearchAsync(null, request, transaction, cancellationToken);
            case 1 when segments[0] == "_history" && method == "GET":
                return await history.HistoryAsync(null, null, request, cancellationToken);
        }

        var type = segments[0];
        if (!ModelInfo.IsKnownResource(type) || !char.IsUpper(type[0]))
        {
            throw FhirException.NotFound($"'{type}' is not a resource type this server knows.");
        }

        if (segments.Length == 1)
        {
            return method switch
            {
                "GET" => await search.SearchAsync(type, request, transaction, cancellationToken),
                "POST" => await resources.CreateAsync(type, RequireBody(request), request.IfNoneExist, request.Restriction, transaction, cancellationToken),
                "PUT" when request.Query.Count > 0 => await resources.ConditionalUpdateAsync(type, request.Query, RequireBody(request), ParseIfMatch(request), request.Restriction, transaction, cancellationToken),
                "DELETE" when request.Query.Count > 0 => await resources.ConditionalDeleteAsync(type, request.Query, request.Restriction, transaction, cancellationToken),
                "PATCH" when request.Query.Count > 0 => await resources.ConditionalPatchAsync(type, request.Query, ParsePatch(request), ParseIfMatch(request), request.Restriction, transaction, cancellationToken),
                _ => throw NotAllowed(request),
            };
        }

        if (segments[1] == "_search" && segments.Length == 2 && method == "POST")
        {
            return await search.SearchAsync(type, request, transaction, cancellationToken);
        }

        if (segments[1] == "_history" && segments.Length == 2 && method == "GET")
        {
            return await history.HistoryAsync(type, null, request, cancellationToken);
        }

        var id = segments[1];
        if (!ResourceIds.IsValid(id))
        {
            throw FhirException.BadRequest($"'{id}' is not a valid FHIR id.");
        }

        if (segments.Length == 2)
        {
            return method switch
            {
                "GET" => ConditionalRead(request, await resources.ReadAsync(type, id, transaction, cancellationToken)),
                "PUT" => await resources.UpdateAsync(type, id, RequireBody(request), ParseIfMatch(request), transaction, cancellationToken),
                "DELETE" => await resources.DeleteAsync(type, id, ParseIfMatch(request), transaction, cancellationToken),
                "PATCH" => await resources.PatchAsync(type, id, ParsePatch(request), ParseIfMatch(request), transaction, cancellationToken),
                _ => throw NotAllowed(request),
            };
        }

        if (segments.Length == 3 && method == "GET" && (segments[2] == "*" || ModelInfo.IsKnownResource(segments[2])))
        {
            // Compartment search: Patient/123/Observation, or Patient/123/* for every type in it.
            return await search.CompartmentSearchAsync(type, id, segments[2] == "*" ? null : segments[2], request, transaction, cancellationToken);
        }

        if (segments[2] == "_history" && method == "GET")
        {
            if (segments.Length == 3)
            {
                return await history.HistoryAsync(type, id, request, cancellationToken);
            }

            if (segments.Length == 4 && int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return ConditionalRead(request, await resources.ReadVersionAsync(type, id, version, cancellationToken));
            }

            throw FhirException.NotFound($"'{segments[3]}' is not a version of {type}/{id}.");
        }

        throw FhirException.NotFound($"No interaction is defined at '{request.Path}'.");
    }

    private async Task<FhirResponse> OperationAsync(FhirRequest request, string[] segments, string method, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var name = segments[^1][1..];
        var type = segments.Length >= 2 ? segments[0] : null;
        var id = segments.Length == 3 ? segments[1] : null;
        if (segments.Length > 3 || (type is not null && !ModelInfo.IsKnownResource(type)))
        {
            throw FhirException.NotFound($"No operation is defined at '{request.Path}'.");
        }

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
