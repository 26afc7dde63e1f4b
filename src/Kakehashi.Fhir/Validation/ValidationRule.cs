namespace Kakehashi.Fhir.Validation;

/// <summary>A validation-on-write setting for one resource type or one declared profile (canonical URL, optionally <c>|version</c>).</summary>
public sealed record ValidationRule(string? ResourceType, string? Profile, ValidationMode Mode);
