namespace Kakehashi.Fhir.Search;

/// <summary>
/// A reverse chain (<c>_has:Observation:patient:code=x</c>): some <paramref name="SourceType"/>
/// whose <paramref name="Param"/> references this resource satisfies <paramref name="Inner"/>.
/// </summary>
public sealed record HasCondition(string SourceType, string Param, SearchCondition Inner) : SearchCondition;
