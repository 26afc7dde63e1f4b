using Hl7.Fhir.Model;
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
    Unknown,
}

/// <summary>
/// What a <see cref="FhirRequest"/> asks for, in the terms of the access policy: the
/// interaction, the resource type and id it addresses, and the SMART action letters it needs
/// (c create, r read, u update, d delete, s search). Mirrors the routes of <see cref="FhirDispatcher"/>.
/// </summary>
public sealed record FhirInteraction(InteractionKind Kind, string? ResourceType, string? Id, string Actions)
{
    /// <summary>For a compartment search (<c>Patient/1/Observation</c>): the type searched, null for <c>*</c>.</summary>
    public string? TargetType { get; init; }

    /// <summary>For an operation: its name without <c>$</c>.</summary>
    public string? Operation { get; init; }

    public bool IsWrite => Kind is InteractionKind.Create or InteractionKind.Update or InteractionKind.Patch or InteractionKind.Delete;

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

    public static FhirInteraction Classify(FhirRequest request) => Classify(request.Method, request.Path, request.Query.Count > 0);

    public static FhirInteraction Classify(string httpMethod, string path, bool hasQuery)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = httpMethod == "HEAD" ? "GET" : httpMethod;
        if (segments.Length > 0 && segments[^1].StartsWith('$'))
        {
            var name = segments[^1][1..];
            var type = segments.Length >= 2 ? segments[0] : null;
            var id = segments.Length == 3 ? segments[1] : null;
            return new FhirInteraction(InteractionKind.Operation, type, id, method == "GET" ? "r" : "ru") { Operation = name };
        }

        switch (segments.Length)
        {
            case 0:
                return method switch
                {
                    "POST" => new FhirInteraction(InteractionKind.Bundle, null, null, ""),
                    "GET" => new FhirInteraction(InteractionKind.SearchSystem, null, null, "s"),
                    _ => Unknown,
                };
            case 1 when segments[0] == "metadata":
                return new FhirInteraction(InteractionKind.Capabilities, null, null, "");
            case 1 when segments[0] == "_search" && method == "POST":
                return new FhirInteraction(InteractionKind.SearchSystem, null, null, "s");
            case 1 when segments[0] == "_history":
                return new FhirInteraction(InteractionKind.HistorySystem, null, null, "s");
        }

        var resourceType = segments[0];
        if (!ModelInfo.IsKnownResource(resourceType))
        {
            return Unknown;
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
                _ => Unknown with { ResourceType = resourceType },
            };
        }

        if (segments.Length == 2 && segments[1] == "_search")
        {
            return new FhirInteraction(InteractionKind.SearchType, resourceType, null, "s");
        }

        if (segments.Length == 2 && segments[1] == "_history")
        {
            return new FhirInteraction(InteractionKind.HistoryType, resourceType, null, "s");
        }

        var resourceId = segments[1];
        if (segments.Length == 2)
        {
            return method switch
            {
                "GET" => new FhirInteraction(InteractionKind.Read, resourceType, resourceId, "r"),
                "PUT" => new FhirInteraction(InteractionKind.Update, resourceType, resourceId, "u"),
                "DELETE" => new FhirInteraction(InteractionKind.Delete, resourceType, resourceId, "d"),
                "PATCH" => new FhirInteraction(InteractionKind.Patch, resourceType, resourceId, "u"),
                _ => Unknown with { ResourceType = resourceType },
            };
        }

        if (segments[2] == "_history")
        {
            return segments.Length == 3
                ? new FhirInteraction(InteractionKind.HistoryInstance, resourceType, resourceId, "r")
                : new FhirInteraction(InteractionKind.VRead, resourceType, resourceId, "r");
        }

        if (segments.Length == 3 && (segments[2] == "*" || ModelInfo.IsKnownResource(segments[2])))
        {
            return new FhirInteraction(InteractionKind.SearchCompartment, resourceType, resourceId, "s") { TargetType = segments[2] == "*" ? null : segments[2] };
        }

        return Unknown with { ResourceType = resourceType };
    }

    private static FhirInteraction Unknown => new(InteractionKind.Unknown, null, null, "");
}
