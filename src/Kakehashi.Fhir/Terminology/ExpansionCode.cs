namespace Kakehashi.Fhir.Terminology;

/// <summary>One code of a value-set expansion; <see cref="System"/> is the canonical system URI.</summary>
public sealed record ExpansionCode(string System, string Code, string? Display, string? Version = null);
