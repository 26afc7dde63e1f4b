using System.Text.RegularExpressions;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Interactions;

/// <summary>FHIR id syntax: 1–64 characters of A–Z, a–z, 0–9, '-' and '.'.</summary>
public static partial class ResourceIds
{
    public static bool IsValid(string id) => IdPattern().IsMatch(id);

    public static void Validate(string id)
    {
        if (!IsValid(id))
        {
            throw FhirException.BadRequest($"'{id}' is not a valid FHIR id (1–64 of A-Z a-z 0-9 - .).", "id");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();
}
