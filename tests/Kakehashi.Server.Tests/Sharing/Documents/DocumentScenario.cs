using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// What the document contracts share: a patient, a clinic doctor who refers them, the hospital the
/// referral is addressed to (a doctor and a reception clerk), and a third hospital.
/// </summary>
public abstract class DocumentScenario(ServerFixture server)
{
    protected ServerFixture Server => server;

    /// <summary>The operator's client: it records consents as reception would.</summary>
    protected HttpClient Operator => server.Client;

    protected sealed record World(string Patient, HttpClient Sender, string SenderCode, HttpClient Recipient, HttpClient Clerk, string RecipientCode, HttpClient Third, string ThirdCode) : IDisposable
    {
        public void Dispose()
        {
            Sender.Dispose();
            Recipient.Dispose();
            Clerk.Dispose();
            Third.Dispose();
        }
    }

    protected async Task<World> SetUpAsync(string? patientJson = null)
    {
        var patient = (string)(await Operator.CreateAsync(patientJson ?? DocumentData.ReferralPatient(Unique("紹介"))))["id"]!;
        var sender = await server.RegisterClientAsync("doctor", "clinic");
        var recipient = await server.RegisterClientAsync("doctor", "hospital");
        var clerk = await ClientOfAsync(recipient.OrganizationCode, "clerk");
        var third = await server.RegisterClientAsync("doctor", "hospital");
        return new World(patient, server.CreateClient(sender), sender.OrganizationCode, server.CreateClient(recipient), server.CreateClient(clerk), recipient.OrganizationCode,
            server.CreateClient(third), third.OrganizationCode);
    }

    /// <summary>Another system client of an organization already registered, acting in <paramref name="role"/>.</summary>
    protected async Task<TestSystemClient> ClientOfAsync(string organizationCode, string role)
    {
        var client = new TestSystemClient(Unique(role), organizationCode, role, "system/*.cruds");
        var registered = await Operator.PostAsJsonAsync("/admin/clients", new { clientId = client.ClientId, organizationCode, role, jwks = client.Jwks, scopes = "system/*.cruds" });
        await registered.ExpectAsync(HttpStatusCode.Created);
        return client;
    }

    protected static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string patient, JsonNode document, string? replaces = null) =>
        client.SendAsync(HttpMethod.Post, $"/sharing/documents?patient={patient}" + (replaces is null ? "" : "&replaces=" + replaces), document.ToJsonString(), mediaType: "application/json");

    protected static async Task<JsonNode> SubmittedAsync(HttpClient client, string patient, JsonNode document, string? replaces = null) =>
        await (await SubmitAsync(client, patient, document, replaces)).ExpectAsync(HttpStatusCode.Created);

    protected static Task<HttpResponseMessage> PostAsync(HttpClient client, string url) =>
        client.SendAsync(HttpMethod.Post, url, "{}", mediaType: "application/json");

    protected static async Task<List<string>> InboxIdsAsync(HttpClient client, string? status = null) =>
        [.. (await (await client.GetAsync("/sharing/inbox" + (status is null ? "" : "?status=" + status))).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(i => (string)i!["id"]!)];

    protected static List<string?> Expressions(JsonNode outcome) =>
        [.. outcome["issue"]!.AsArray().SelectMany(i => i!["expression"]?.AsArray().Select(e => (string?)e) ?? [null])];
}
