using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary><c>:missing</c>: the resource has (false) or lacks (true) any value for the parameter.</summary>
public sealed record MissingCondition(string Param, SearchParamType Type, bool Missing) : SearchCondition;
