namespace Kakehashi.Fhir.Search;

/// <summary><c>:not</c>: resources that do not match <paramref name="Inner"/>, including those with no value.</summary>
public sealed record NotCondition(SearchCondition Inner) : SearchCondition;
