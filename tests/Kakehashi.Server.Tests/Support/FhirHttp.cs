using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Kakehashi.Server.Tests.Support;

/// <summary>Small helpers for talking FHIR JSON over HTTP the way a clinic system would.</summary>
public static class FhirHttp
{
    public const string FhirJson = "application/fhir+json";

    public static StringContent Json(string json, string mediaType = FhirJson) =>
        new(json, Encoding.UTF8, mediaType);

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? body = null, Action<HttpRequestMessage>? configure = null, string mediaType = FhirJson)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = Json(body, mediaType);
        }

        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> BodyAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body");
    }

    /// <summary>Asserts the status and returns the JSON body; on failure shows the body to explain why.</summary>
    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asserts an error status with an OperationOutcome body and returns its first diagnostics.</summary>
    public static async Task<string> ExpectOutcomeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("OperationOutcome", (string?)body["resourceType"]);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return (string?)body["issue"]![0]!["diagnostics"] ?? "";
    }

    public static async Task<JsonNode> CreateAsync(this HttpClient client, string json)
    {
        var type = (string)JsonNode.Parse(json)!["resourceType"]!;
        var response = await client.SendAsync(HttpMethod.Post, type, json);
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    public static string PatientJson(string family, string? identifier = null, string? id = null)
    {
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["value"] = identifier ?? Guid.NewGuid().ToString("N") }),
            ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray("太郎") }),
            ["gender"] = "male",
            ["birthDate"] = "1970-01-01",
        };
        if (id is not null)
        {
            patient["id"] = id;
        }

        return patient.ToJsonString();
    }

    public static string Unique(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..10];

    public static Action<HttpRequestMessage> Header(string name, string value) =>
        request => request.Headers.TryAddWithoutValidation(name, value);

    public static void AcceptXml(HttpRequestMessage request)
    {
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));
    }
}
