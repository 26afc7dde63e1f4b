namespace Kakehashi.Fhir.Search;

/// <summary>The <c>_total</c> the client asked for; <see cref="None"/> skips the extra COUNT.</summary>
public enum SearchTotalMode
{
    None,
    Estimate,
    Accurate,
}
