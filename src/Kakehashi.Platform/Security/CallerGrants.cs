using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The FHIR guard's rule for code outside the FHIR dispatcher: an action on a type is allowed
/// when the caller's role allows it (the <see cref="AccessPolicy"/>) and a scope of the token,
/// in the caller's own context, grants it.
/// </summary>
public static class CallerGrants
{
    /// <summary>Refuses with 403 unless every action in <paramref name="actions"/> on <paramref name="type"/> is allowed and granted.</summary>
    public static void Require(AccessPolicy policy, AccessContext caller, string type, string actions, string purpose)
    {
        var context = caller.Kind switch
        {
            CallerKind.System => "system",
            CallerKind.Patient => "patient",
            _ => "user",
        };
        foreach (var action in actions)
        {
            if (!policy.Allows(caller.Role, type, action))
            {
                throw FhirException.Forbidden($"The role '{caller.Role}' may not {purpose}.");
            }

            if (!caller.Scopes.Any(s => s.Context == context && s.Grants(type, action)))
            {
                throw FhirException.Forbidden($"The access token's scopes do not allow to {purpose} ({context}/{type}.{actions}).");
            }
        }
    }
}
