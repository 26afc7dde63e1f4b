namespace Kakehashi.Fhir.Search;

/// <summary>
/// <c>_include</c>/<c>_revinclude</c> = <c>SourceType:Param[:TargetType]</c>. A null
/// <paramref name="Param"/> is <c>*</c> (every reference parameter); <paramref name="Iterate"/>
/// also applies it to resources that were themselves included.
/// </summary>
public sealed record IncludeSpec(string SourceType, string? Param, string? TargetType, bool Iterate);
