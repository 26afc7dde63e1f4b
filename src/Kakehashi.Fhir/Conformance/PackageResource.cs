namespace Kakehashi.Fhir.Conformance;

/// <summary>One conformance resource inside a loaded FHIR package, known by its index entry only until it is needed.</summary>
public sealed record PackageResource(string ResourceType, string? Url, string? Version, string Id, string Package, string FilePath);
