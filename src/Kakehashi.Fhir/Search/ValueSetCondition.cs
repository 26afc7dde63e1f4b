namespace Kakehashi.Fhir.Search;

/// <summary>
/// <c>:in</c> / <c>:not-in</c> (<paramref name="Negate"/>): the token is (not) one of the codes of
/// the value set. Resolved into a <see cref="TokenCondition"/> before SQL is generated.
/// </summary>
public sealed record ValueSetCondition(string Param, IReadOnlyList<string> ValueSetUrls, bool Negate) : SearchCondition;
