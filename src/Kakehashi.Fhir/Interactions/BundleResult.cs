using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>A Bundle to render; entries keep their stored JSON so JSON output needs no re-parsing.</summary>
public sealed class BundleResult
{
    public required Bundle.BundleType Type { get; init; }

    public int? Total { get; init; }

    /// <summary>A document Bundle's identity, required of a <c>document</c> (JSON output writes its system and value).</summary>
    public Identifier? Identifier { get; init; }

    /// <summary>When a document Bundle was assembled, required of a <c>document</c>.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public List<(string Relation, string Url)> Links { get; } = [];

    public List<BundleResultEntry> Entries { get; } = [];

    /// <summary>Issues to report beside the results (e.g. ignored search parameters).</summary>
    public OperationOutcome? Outcome { get; init; }
}

public sealed class BundleResultEntry
{
    public string? FullUrl { get; init; }

    public StoredResource? Stored { get; init; }

    public Resource? Resource { get; init; }

    public Bundle.SearchEntryMode? SearchMode { get; init; }

    /// <summary>History entries: the request that produced the version.</summary>
    public (string Method, string Url)? Request { get; init; }

    /// <summary>Batch/transaction responses and history entries.</summary>
    public Bundle.ResponseComponent? Response { get; init; }
}
