namespace Kakehashi.Fhir.Search;

/// <summary>
/// How contained resources are searched (<c>_contained</c>): each is indexed under its own type
/// with an owner id that no stored resource can have (ids never hold '/' or '#') and that names
/// its container, and <c>contained_resources</c> lists them per container so that they are
/// replaced with it.
/// </summary>
public static class ContainedResources
{
    public static string OwnerId(string containerType, string containerId, string localId) =>
        containerType + "/" + containerId + "#" + localId;
}
