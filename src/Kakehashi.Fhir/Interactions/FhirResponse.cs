using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// The result of an interaction. A stored resource travels as its stored JSON bytes so that
/// the common case (a JSON read) is written to the wire without parsing.
/// </summary>
public sealed class FhirResponse
{
    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

    /// <summary>A stored resource version (read, create, update…).</summary>
    public StoredResource? Stored { get; init; }

    /// <summary>A resource built for this response (OperationOutcome, CapabilityStatement…).</summary>
    public Resource? Resource { get; init; }

    /// <summary>A search or history result, rendered as a Bundle.</summary>
    public BundleResult? Bundle { get; init; }

    /// <summary>Set for writes: Location header and ETag come from it.</summary>
    public bool IsWrite { get; init; }

    public string? Location { get; init; }

    public static FhirResponse ForStored(StoredResource stored, HttpStatusCode status = HttpStatusCode.OK, bool isWrite = false, string? location = null) =>
        new() { Stored = stored, Status = status, IsWrite = isWrite, Location = location };
}
