using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Platform.Hosting;
using Kakehashi.Server.Demo;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Kakehashi.Server.Ui;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>A server started with the demo switch on, as <c>dotnet run</c> does.</summary>
public sealed class DemoServerFixture : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Security:DemoClient:Enabled"] = "true",
        ["Kakehashi:SeedDemoData"] = "true",
    };
}

/// <summary>
/// The demo the README points to: staff credentials in an owner-only file, and with the demo data
/// the clerk's check of 山田 太郎's card and the doctor's view of his consented history work.
/// </summary>
public sealed class DemoStaffTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task DemoClerkAndDoctor_AreCreated_WithTheirSecretsInTheDataFolder_AndSignIn()
    {
        var dataDirectory = server.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
        var file = Path.Combine(dataDirectory, "security", DemoStaffSeeder.FileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var accounts = File.ReadLines(file).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(p => p[0]);
        Assert.Equal(["demo-clerk", "demo-doctor"], accounts.Keys.Order());

        var tokens = new Dictionary<string, string>();
        foreach (var (username, role) in new[] { ("demo-clerk", "clerk"), ("demo-doctor", "doctor") })
        {
            var line = accounts[username];
            var (token, _) = await server.LoginAsync(new TestAccount("", username, line[1], line[2]), UiExtensions.Scopes);
            var claims = new JsonWebToken(token);
            Assert.Equal(role, claims.GetClaim("kh_role").Value);
            Assert.Equal(DemoStaffSeeder.HospitalCode, claims.GetClaim("kh_org").Value);
            tokens[username] = token;
        }

        // The demo card of 山田 太郎 is valid; its 限度額適用区分 stays hidden without the limit-certificate consent.
        using var clerk = server.CreateClientWithToken(tokens["demo-clerk"]);
        var answer = await (await EligibilityData.CheckAsync(clerk, JsonNode.Parse("""
            {"visitDate":"2026-11-25","insuranceCard":{"insurerNumber":"06139992","symbol":"1234","number":"5678","branch":"01","birthDate":"1965-04-12"}}
            """)!.AsObject())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("valid", (string?)answer["status"]);
        Assert.Equal("山田 太郎", (string?)answer["patient"]!["name"]);
        Assert.Null(answer["qualification"]!["limitCategory"]);

        // His consent lets the demo hospital's doctor open the history views: drugs from the pharmacy claim, the surgery.
        using var doctor = server.CreateClientWithToken(tokens["demo-doctor"]);
        var patient = (string)answer["patient"]!["id"]!;
        var medication = await (await doctor.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)medication["total"]!);
        var treatment = await (await doctor.GetAsync($"Patient/{patient}/$treatment-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(treatment["entry"]!.AsArray(), e => (string?)e!["resource"]!["resourceType"] == "Procedure");

        // The database keeps the password's hash only.
        var stored = await server.Services.GetRequiredService<Kakehashi.Platform.Security.SecurityStore>().FindAccountByUsernameAsync("demo-doctor", CancellationToken.None);
        Assert.NotEqual(accounts["demo-doctor"][1], stored!.PasswordHash);
        Assert.DoesNotContain(accounts["demo-doctor"][1], stored.PasswordHash, StringComparison.Ordinal);
    }
}
