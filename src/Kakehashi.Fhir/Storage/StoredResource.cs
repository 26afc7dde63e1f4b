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
    public string Key => ResourceType + "/" + Id;

    public string ETag => "W/\"" + VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}
