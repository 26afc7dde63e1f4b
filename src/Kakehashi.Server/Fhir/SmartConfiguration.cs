using System.Text.Json.Nodes;
using Kakehashi.Platform.Security;

namespace Kakehashi.Server.Fhir;

/// <summary><c>/.well-known/smart-configuration</c> (SMART App Launch 2.x): where to get a token and what this server supports.</summary>
public static class SmartConfiguration
{
    public static IResult Handle(HttpContext context)
    {
        var origin = context.Request.Scheme + "://" + context.Request.Host + context.Request.PathBase;
        var document = new JsonObject
        {
            ["issuer"] = origin + "/",
            ["jwks_uri"] = origin + "/.well-known/jwks",
            ["token_endpoint"] = origin + TokenEndpoint.Path,
            ["authorization_endpoint"] = origin + LoginEndpoints.AuthorizePath,
            ["introspection_endpoint"] = origin + "/connect/introspect",
            ["revocation_endpoint"] = origin + "/connect/revoke",
            ["grant_types_supported"] = new JsonArray("client_credentials", "authorization_code"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt", "client_secret_basic", "client_secret_post"),
            ["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("RS384", "ES384"),
            ["scopes_supported"] = new JsonArray("system/*.cruds", "system/*.rs", "user/*.cruds", "user/*.rs", "patient/*.rs"),
            ["capabilities"] = new JsonArray("launch-standalone", "client-public", "client-confidential-asymmetric", "client-confidential-symmetric", "permission-v2", "permission-v1", "permission-patient", "permission-user"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["fhir_base"] = origin + FhirEndpoints.BasePath,
        };
        return Results.Content(document.ToJsonString(), "application/json");
    }
}
