namespace Kakehashi.Fhir.Search;

/// <summary>How a uri value matches: exactly, or by path prefix (<c>:below</c>/<c>:above</c>).</summary>
public enum UriMatch
{
    Exact,
    Below,
    Above,
}
