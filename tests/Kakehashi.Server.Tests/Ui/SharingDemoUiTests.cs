using System.Net;
using System.Net.Http.Json;
using Kakehashi.Server.Demo;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>The demo data without the population: quick to start.</summary>
public sealed class SharingDemoServerFixture : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Security:DemoClient:Enabled"] = "true",
        ["Kakehashi:SeedDemoData"] = "true",
    };
}

/// <summary>The information-sharing demo: the demo hospital's inbox holds the clinic's referral for 山田 太郎, once, however often the server starts.</summary>
public sealed class SharingDemoUiTests(SharingDemoServerFixture server) : IClassFixture<SharingDemoServerFixture>
{
    [Fact]
    public async Task DemoHospitalInbox_HoldsOneReferralFromTheDemoClinic_AndSeedingAgainAddsNone()
    {
        var clerk = new TestSystemClient(FhirHttp.Unique("clerk"), DemoStaffSeeder.HospitalCode, "clerk", "system/*.cruds");
        var registered = await server.Client.PostAsJsonAsync("/admin/clients",
            new { clientId = clerk.ClientId, organizationCode = DemoStaffSeeder.HospitalCode, role = "clerk", jwks = clerk.Jwks, scopes = "system/*.cruds" });
        await registered.ExpectAsync(HttpStatusCode.Created);
        using var client = server.CreateClient(clerk);

        await DemoSharingSeeder.SeedAsync(server.Services, NullLogger.Instance);
        var items = (await (await client.GetAsync("/sharing/inbox")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        var referral = Assert.Single(items)!;
        Assert.Equal("referral", (string?)referral["kind"]);
        Assert.Equal(DemoStaffSeeder.ClinicCode, (string?)referral["sender"]!["code"]);
        Assert.Equal("架け橋デモクリニック", (string?)referral["sender"]!["name"]);

        // 山田 太郎 consented to documents for the demo hospital: the clerk retrieves it.
        var retrieved = await (await client.SendAsync(HttpMethod.Post, $"/sharing/documents/{(string)referral["id"]!}/retrieve", "{}", mediaType: "application/json"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("山田 太郎", retrieved["document"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
