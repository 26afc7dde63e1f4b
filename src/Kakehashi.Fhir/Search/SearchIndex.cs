namespace Kakehashi.Fhir.Search;

/// <summary>
/// The search values extracted from one resource version at write time. The store writes
/// them into one index table per parameter type, so that no query ever reads resource JSON.
/// </summary>
public sealed class SearchIndex
{
    public static SearchIndex Empty => new();

    public List<StringIndexEntry> Strings { get; } = [];

    public List<TokenIndexEntry> Tokens { get; } = [];

    public List<ReferenceIndexEntry> References { get; } = [];

    public List<DateIndexEntry> Dates { get; } = [];

    public List<NumberIndexEntry> Numbers { get; } = [];

    public List<QuantityIndexEntry> Quantities { get; } = [];

    public List<UriIndexEntry> Uris { get; } = [];

    /// <summary>The folded text of <c>_text</c> and <c>_content</c> (see <see cref="SearchText"/>).</summary>
    public List<TextIndexEntry> Texts { get; } = [];

    /// <summary>The values of the resources contained in this one, each under its own type (for <c>_contained</c>).</summary>
    public List<ContainedIndex> Contained { get; } = [];
}

/// <summary>A contained resource's search values; its index rows are owned by <see cref="ContainedResources.OwnerId"/>.</summary>
public sealed record ContainedIndex(string ResourceType, string LocalId, SearchIndex Index);

/// <summary><paramref name="Normalized"/> is case-, accent- and width-folded (see <see cref="TextNormalizer"/>).</summary>
public sealed record StringIndexEntry(string Param, string Normalized, string Exact);

public sealed record TokenIndexEntry(string Param, string? System, string? Code, string? TextNormalized);

/// <summary>A reference, either local (<paramref name="TargetType"/>/<paramref name="TargetId"/>) or absolute (<paramref name="Url"/>).</summary>
public sealed record ReferenceIndexEntry(string Param, string? TargetType, string? TargetId, string? Url);

/// <summary>An inclusive range in microseconds since the Unix epoch (UTC), covering the value's precision.</summary>
public sealed record DateIndexEntry(string Param, long Start, long End);

public sealed record NumberIndexEntry(string Param, decimal Low, decimal High);

public sealed record QuantityIndexEntry(string Param, string? System, string? Code, decimal Low, decimal High);

public sealed record UriIndexEntry(string Param, string Value);

public sealed record TextIndexEntry(string Param, string Text);
