namespace Kakehashi.Fhir.Search;

/// <summary>
/// A chain (<c>subject:Patient.name=x</c>): reference <paramref name="Param"/> points at a
/// resource of one of <paramref name="TargetTypes"/> that satisfies <paramref name="Inner"/>.
/// </summary>
public sealed record ChainCondition(string Param, IReadOnlyList<string> TargetTypes, SearchCondition Inner) : SearchCondition;
