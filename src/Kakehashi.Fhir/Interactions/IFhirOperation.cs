namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// An extended operation (<c>$name</c>). Services register theirs in dependency injection; the
/// dispatcher routes to them and the CapabilityStatement lists them, so adding an operation
/// never means editing the router.
/// </summary>
public interface IFhirOperation
{
    /// <summary>The name without the <c>$</c>, e.g. <c>validate</c>.</summary>
    string Name { get; }

    /// <summary>The canonical URL of its OperationDefinition, listed in the CapabilityStatement.</summary>
    string Definition { get; }

    /// <summary>True when it only reads (GET allowed); operations that change data need POST.</summary>
    bool IsIdempotent { get; }

    /// <summary>The rule the access guard applies to it; by default the role policy on the type in its path.</summary>
    Security.OperationAccess Access => Security.OperationAccess.ByPolicy;

    /// <summary>Whether it may be invoked at this level for this type (null type = system level; null id = type level).</summary>
    bool AppliesTo(string? resourceType, string? id);

    Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken);
}
