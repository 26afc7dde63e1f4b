using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>One <c>_sort</c> key; <c>_id</c> and <c>_lastUpdated</c> sort on columns of <c>resources</c>.</summary>
public sealed record SortKey(string Param, SearchParamType Type, bool Descending);
