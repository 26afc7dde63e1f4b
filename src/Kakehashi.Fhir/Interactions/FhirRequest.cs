using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// One RESTful interaction, whether it arrived over HTTP or as an entry of a batch or
/// transaction Bundle. <see cref="Path"/> is relative to the FHIR base, e.g. <c>Patient/123</c>.
/// </summary>
public sealed record FhirRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    public Resource? Body { get; init; }

    /// <summary>The raw body, needed for JSON Patch, which is not a FHIR resource.</summary>
    public byte[]? RawBody { get; init; }

    public string? ContentType { get; init; }

    public string? IfMatch { get; init; }

    public string? IfNoneMatch { get; init; }

    public string? IfNoneExist { get; init; }

    public DateTimeOffset? IfModifiedSince { get; init; }

    public ReturnPreference Return { get; init; } = ReturnPreference.Representation;

    public bool LenientSearch { get; init; }

    public required string BaseUrl { get; init; }

    /// <summary>The authenticated caller; null only for requests made by the server itself.</summary>
    public Security.AccessContext? Caller { get; init; }

    /// <summary>
    /// Set by the access guard: what this caller may see. Searches copy it into
    /// <see cref="Search.SearchQuery.Restriction"/> so that the SQL itself is narrowed.
    /// </summary>
    public Security.AccessRestriction? Restriction { get; init; }

    /// <summary>Who this request's writes are for: its caller and restriction.</summary>
    public Writer Writer => new(Caller, Restriction);

    /// <summary>
    /// For a create entry of a transaction: the id assigned before any entry ran, so that
    /// <c>urn:uuid</c> references could be rewritten to it.
    /// </summary>
    internal string? TransactionId { get; init; }

    /// <summary>For a create entry of a transaction: the resource its If-None-Exist matched (nothing is created).</summary>
    internal Storage.StoredResource? TransactionMatch { get; init; }

    public string[] Segments => Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
