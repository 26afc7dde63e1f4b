namespace Kakehashi.Fhir.Search;

/// <summary>A quantity as searched: a number plus an optional unit system and code.</summary>
public sealed record QuantityValue(NumberValue Number, string? System, string? Code);
