using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage;

/// <summary>A new version to append: a resource body with its search index, or a tombstone.</summary>
public sealed record ResourceWrite(
    string ResourceType,
    string Id,
    int VersionId,
    DateTimeOffset LastUpdated,
    bool IsDeleted,
    byte[] Json,
    SearchIndex Index,
    string ShardKey,
    string Method);
