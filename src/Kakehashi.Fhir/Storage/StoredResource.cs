namespace Kakehashi.Fhir.Storage;

/// <summary>
/// One version of a resource as the store keeps it. <see cref="Json"/> is the exact compact
/// JSON the server serialized at write time (with its <c>meta</c>), so a JSON read can be
/// served without parsing; it is empty for a deletion tombstone.
/// </summary>
public sealed record StoredResource(
    string ResourceType,
    string Id,
    int VersionId,
    DateTimeOffset LastUpdated,
    bool IsDeleted,
    byte[] Json)
{
    /// <summary>For a contained resource returned by a search (<c>_containedType=contained</c>): its container's key.</summary>
    public string? ContainerKey { get; init; }

    /// <summary><c>Type/id</c>, or <c>ContainerType/containerId#id</c> for a contained resource.</summary>
    public string Key => ContainerKey is null ? ResourceType + "/" + Id : ContainerKey + "#" + Id;

    /// <summary>The id its search-index rows carry (see <see cref="Search.ContainedResources"/>).</summary>
    public string IndexId => ContainerKey is null ? Id : ContainerKey + "#" + Id;

    public string ETag => "W/\"" + VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}
