using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Search;

/// <summary>A page of matches (and resources pulled in by _include/_revinclude).</summary>
public sealed record SearchPage(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    int? Total,
    bool HasMore);
