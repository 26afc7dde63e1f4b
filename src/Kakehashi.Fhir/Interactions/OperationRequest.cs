using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// An invocation of an <see cref="IFhirOperation"/>. <see cref="Parameters"/> merges the query
/// string (GET) or the body (a Parameters resource, or any resource passed as <c>resource</c>).
/// </summary>
public sealed record OperationRequest(
    FhirRequest Http,
    string? ResourceType,
    string? Id,
    Parameters Parameters,
    IResourceTransaction? Transaction);
