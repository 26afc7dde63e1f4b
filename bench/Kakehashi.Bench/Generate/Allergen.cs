namespace Kakehashi.Bench.Generate;

/// <summary>A food allergen of the JFAGY code system.</summary>
public sealed record Allergen(string Code, string Display);
