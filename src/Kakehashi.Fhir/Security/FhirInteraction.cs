using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Fhir.Security;

public enum InteractionKind
{
    Capabilities,
    Read,
    VRead,
    Create,
    Update,
    Patch,
    Delete,
    SearchType,
    SearchSystem,
    SearchCompartment,
    HistoryInstance,
    HistoryType,
    HistorySystem,
    Operation,
    Bundle,

    /// <summary>Nothing the server can run: <see cref="FhirInteraction.Refusal"/> says why.</summary>
    Unknown,
}

/// <summary>
/// What a <see cref="FhirRequest"/> asks for: the interaction, the resource type and id it
/// addresses, and the SMART action letters it needs (c create, r read, u update, d delete,
/// s search). This is the one route parser: the <see cref="FhirDispatcher"/> executes exactly
/// the interaction classified here, and the access guard authorizes that same classification —
/// so what is authorized and what runs can never differ. A request that names no interaction
/// is <see cref="InteractionKind.Unknown"/> and carries the error to answer with.
/// </summary>
public sealed record FhirInteraction(InteractionKind Kind, string? ResourceType, string? Id, string Actions)
{
    /// <summary>For a compartment search (<c>Patient/1/Observation</c>): the type searched, null for <c>*</c>.</summary>
    public string? TargetType { get; init; }

    /// <summary>For an operation: its name without <c>$</c>.</summary>
    public string? Operation { get; init; }

    /// <summary>For a vread: the version asked for.</summary>
    public int? Version { get; init; }

    /// <summary>For <see cref="InteractionKind.Unknown"/>: the error that answers the request.</summary>
    public (HttpStatusCode Status, string Message)? Refusal { get; init; }

    public bool IsWrite => Kind is InteractionKind.Create or InteractionKind.Update or InteractionKind.Patch or InteractionKind.Delete;

    /// <summary>A conditional update, patch or delete (criteria instead of an id).</summary>
    public bool IsConditional => IsWrite && Kind != InteractionKind.Create && Id is null;

    /// <summary>Whether the interaction carries a resource in its body.</summary>
    public bool TakesResource => Kind is InteractionKind.Create or InteractionKind.Update or InteractionKind.Operation;

    /// <summary>The BALP / AuditEvent.action code.</summary>
    public string AuditAction => Kind switch
    {
        InteractionKind.Create => "C",
        InteractionKind.Update or InteractionKind.Patch => "U",
        InteractionKind.Delete => "D",
        InteractionKind.Read or InteractionKind.VRead or InteractionKind.HistoryInstance => "R",
        _ => "E",
    };

    public string Name => Kind switch
    {
        InteractionKind.SearchType or InteractionKind.SearchSystem or InteractionKind.SearchCompartment => "search",
        InteractionKind.HistoryInstance or InteractionKind.HistoryType or InteractionKind.HistorySystem => "history",
        InteractionKind.Operation => "$" + Operation,
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The error of an <see cref="InteractionKind.Unknown"/> request.</summary>
    public FhirException ToException() => Refusal is { } refusal
        ? new FhirException(refusal.Status, refusal.Status == HttpStatusCode.NotFound ? OperationOutcome.IssueType.NotFound : refusal.Status == HttpStatusCode.BadRequest ? OperationOutcome.IssueType.Invalid : OperationOutcome.IssueType.NotSupported, refusal.Message)
        : FhirException.BadRequest("The request names no FHIR interaction.");

    public static FhirInteraction Classify(FhirRequest request) => Classify(request.Method, request.Path, request.Query.Count > 0);

    public static FhirInteraction Classify(string httpMethod, string path, bool hasQuery)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = httpMethod == "HEAD" ? "GET" : httpMethod;
        var shownPath = segments.Length == 0 ? "/" : path;
        if (segments.Length > 0 && segments[^1].StartsWith('$'))
        {
            var name = segments[^1][1..];
            var type = segments.Length >= 2 ? segments[0] : null;
            var id = segments.Length == 3 ? segments[1] : null;
            if (segments.Length > 3 || (type is not null && !IsResourceType(type)))
            {
                return Refused(HttpStatusCode.NotFound, $"No operation is defined at '{path}'.");
            }

            if (id is not null && !ResourceIds.IsValid(id))
            {
                return Refused(HttpStatusCode.BadRequest, $"'{id}' is not a valid FHIR id.");
            }

            return new FhirInteraction(InteractionKind.Operation, type, id, method == "GET" ? "r" : "ru") { Operation = name };
        }

        switch (segments.Length)
        {
            case 0:
                return method switch
                {
                    "POST" => new FhirInteraction(InteractionKind.Bundle, null, null, ""),
                    "GET" => new FhirInteraction(InteractionKind.SearchSystem, null, null, "s"),
                    _ => NotAllowed(httpMethod, shownPath),
                };
            case 1 when segments[0] == "metadata" && method == "GET":
                return new FhirInteraction(InteractionKind.Capabilities, null, null, "");
            case 1 when segments[0] == "_search" && method == "POST":
                return new FhirInteraction(InteractionKind.SearchSystem, null, null, "s");
            case 1 when segments[0] == "_history" && method == "GET":
                return new FhirInteraction(InteractionKind.HistorySystem, null, null, "s");
        }

        var resourceType = segments[0];
        if (!IsResourceType(resourceType))
        {
            return Refused(HttpStatusCode.NotFound, $"'{resourceType}' is not a resource type this server knows.");
        }

        if (segments.Length == 1)
        {
            return method switch
            {
                "GET" => new FhirInteraction(InteractionKind.SearchType, resourceType, null, "s"),
                "POST" => new FhirInteraction(InteractionKind.Create, resourceType, null, "c"),
                "PUT" when hasQuery => new FhirInteraction(InteractionKind.Update, resourceType, null, "us"),
                "DELETE" when hasQuery => new FhirInteraction(InteractionKind.Delete, resourceType, null, "ds"),
                "PATCH" when hasQuery => new FhirInteraction(InteractionKind.Patch, resourceType, null, "us"),
                _ => NotAllowed(httpMethod, shownPath),
            };
        }

        if (segments.Length == 2 && segments[1] == "_search" && method == "POST")
        {
            return new FhirInteraction(InteractionKind.SearchType, resourceType, null, "s");
        }

        if (segments.Length == 2 && segments[1] == "_history" && method == "GET")
        {
            return new FhirInteraction(InteractionKind.HistoryType, resourceType, null, "s");
        }

        var resourceId = segments[1];
        if (!ResourceIds.IsValid(resourceId))
        {
            return Refused(HttpStatusCode.BadRequest, $"'{resourceId}' is not a valid FHIR id.");
        }

        if (segments.Length == 2)
        {
            return method switch
            {
                "GET" => new FhirInteraction(InteractionKind.Read, resourceType, resourceId, "r"),
                "PUT" => new FhirInteraction(InteractionKind.Update, resourceType, resourceId, "u"),
                "DELETE" => new FhirInteraction(InteractionKind.Delete, resourceType, resourceId, "d"),
                "PATCH" => new FhirInteraction(InteractionKind.Patch, resourceType, resourceId, "u"),
                _ => NotAllowed(httpMethod, shownPath),
            };
        }

        if (method != "GET")
        {
            return Refused(HttpStatusCode.NotFound, $"No interaction is defined for {httpMethod} at '{path}'.");
        }

        if (segments.Length == 3 && (segments[2] == "*" || IsResourceType(segments[2])))
        {
            // Compartment search: Patient/123/Observation, or Patient/123/* for every type in it.
            return new FhirInteraction(InteractionKind.SearchCompartment, resourceType, resourceId, "s") { TargetType = segments[2] == "*" ? null : segments[2] };
        }

        if (segments[2] == "_history")
        {
            if (segments.Length == 3)
            {
                return new FhirInteraction(InteractionKind.HistoryInstance, resourceType, resourceId, "r");
            }

            if (segments.Length == 4 && int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return new FhirInteraction(InteractionKind.VRead, resourceType, resourceId, "r") { Version = version };
            }

            return Refused(HttpStatusCode.NotFound, $"'{segments[3]}' is not a version of {resourceType}/{resourceId}.");
        }

        return Refused(HttpStatusCode.NotFound, $"No interaction is defined at '{path}'.");
    }

    private static bool IsResourceType(string type) => ModelInfo.IsKnownResource(type) && char.IsUpper(type[0]);

    private static FhirInteraction NotAllowed(string method, string path) =>
        Refused(HttpStatusCode.MethodNotAllowed, $"{method} is not supported at '{path}'.");

    private static FhirInteraction Refused(HttpStatusCode status, string message) =>
        new(InteractionKind.Unknown, null, null, "") { Refusal = (status, message) };
}
