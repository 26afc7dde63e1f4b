namespace Kakehashi.Fhir.Search;

/// <summary>How a string value matches: by default a prefix of the normalized text.</summary>
public enum StringMatch
{
    StartsWith,
    Exact,
    Contains,
}
