using System.Globalization;
using System.Text.Json.Nodes;

namespace Kakehashi.Server.Tests.Support;

/// <summary>Consent resources in the platform's format (docs/security/consent.md), for tests that need a patient's consent.</summary>
public static class TestConsents
{
    private const string InstitutionSystem = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";

    public static string Json(string patient, string institution, string[] categories, DateTimeOffset start, DateTimeOffset end, string status = "active")
    {
        var consent = new JsonObject
        {
            ["resourceType"] = "Consent",
            ["status"] = status,
            ["scope"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/consentscope", ["code"] = "patient-privacy" }) },
            ["category"] = new JsonArray([.. categories.Select(c => (JsonNode)new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://kakehashi.jp/fhir/CodeSystem/consent-category", ["code"] = c }) })]),
            ["patient"] = new JsonObject { ["reference"] = "Patient/" + patient },
            ["dateTime"] = start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["provision"] = new JsonObject
            {
                ["type"] = "permit",
                ["period"] = new JsonObject { ["start"] = start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), ["end"] = end.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) },
                ["actor"] = new JsonArray(new JsonObject
                {
                    ["role"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP" }) },
                    ["reference"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = InstitutionSystem, ["value"] = institution } },
                }),
            },
        };
        return consent.ToJsonString();
    }

    /// <summary>Records, through <paramref name="client"/>, a consent in force for 30 days; returns the Consent id.</summary>
    public static async Task<string> GrantAsync(HttpClient client, string patient, string institution, params string[] categories) =>
        (string)(await FhirHttp.CreateAsync(client, Json(patient, institution, categories, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30))))["id"]!;
}
