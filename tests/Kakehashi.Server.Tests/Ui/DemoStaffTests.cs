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
        ["Kakehashi:SeedDemoPopulation"] = "true",
    };
}

/// <summary>
/// The demo the README points to: an account of every job type with its credentials in an
/// owner-only file and listed on the sign-in page; with the demo data the clerk's check of 山田
/// 太郎's card and the doctor's view of his consented history work; the demo population loads once.
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
        var expected = DemoStaffSeeder.Accounts.ToList();
        Assert.Equal(expected.Select(a => a.Username).Order(), accounts.Keys.Order());
        Assert.Equal(10, expected.Select(a => a.JobType).Distinct().Count());

        // Every demo account signs in with its password and code, as its job type.
        var tokens = new Dictionary<string, string>();
        foreach (var (username, role) in expected)
        {
            var line = accounts[username];
            var scopes = role == "patient" ? UiExtensions.PortalScopes : UiExtensions.Scopes;
            var (token, _) = await server.LoginAsync(new TestAccount("", username, line[1], line[2]), scopes);
            Assert.Equal(role, new JsonWebToken(token).GetClaim("kh_role").Value);
            tokens[username] = token;
        }

        Assert.Equal(DemoStaffSeeder.HospitalCode, new JsonWebToken(tokens["demo-doctor"]).GetClaim("kh_org").Value);

        // The sign-in page lists them (never their secrets) in demo mode.
        using var browser = server.CreateBrowser();
        var page = await browser.GetStringAsync("/login?returnUrl=x");
        Assert.Contains("demo-patient", page, StringComparison.Ordinal);
        Assert.Contains("demo-code", page, StringComparison.Ordinal);
        Assert.DoesNotContain(accounts["demo-doctor"][1], page, StringComparison.Ordinal);

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

    [Fact]
    public async Task TheDemoPopulation_LoadsOnce_AndEveryRoleHasSomethingToSee()
    {
        // Loaded in the background after start: wait for its last person.
        var last = DemoPopulationSeeder.PatientId(DemoPopulationSeeder.People - 1);
        for (var i = 0; i < 600 && (await server.Client.GetAsync($"Patient/{last}")).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(500);
        }

        await (await server.Client.GetAsync($"Patient/{last}")).ExpectAsync(HttpStatusCode.OK);
        async Task<int> CountAsync(string type) => (int)(await (await server.Client.GetAsync($"{type}?_summary=count")).ExpectAsync(HttpStatusCode.OK))["total"]!;
        var counts = new[] { await CountAsync("Patient"), await CountAsync("Consent"), await CountAsync("Observation") };
        Assert.True(counts[0] >= DemoPopulationSeeder.People);

        // Started again on the same store: nothing is loaded twice.
        var loaded = await DemoPopulationSeeder.SeedDemoPopulationAsync(server.Services, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        Assert.False(loaded);
        Assert.Equal(counts, new[] { await CountAsync("Patient"), await CountAsync("Consent"), await CountAsync("Observation") });

        // The demo patient has a record to look at in the portal, and the demo hospital sees it with his consent.
        // (Accounts of their own: the demo accounts' codes are used once by the other test.)
        var (patientToken, _) = await server.LoginAsync(await server.CreateAccountAsync("patient", server.OperatorCode, DemoStaffSeeder.PatientId), UiExtensions.PortalScopes);
        using var me = server.CreateClientWithToken(patientToken);
        var own = DemoStaffSeeder.PatientId;
        var labs = await (await me.GetAsync($"Observation?patient=Patient/{own}&category=laboratory&_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((int)labs["total"]! > 10);
        var medicines = await (await me.GetAsync($"Patient/{own}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((int)medicines["total"]! > 10);
        var (doctorToken, _) = await server.LoginAsync(await server.CreateAccountAsync("doctor", DemoStaffSeeder.HospitalCode), UiExtensions.Scopes);
        using var doctor = server.CreateClientWithToken(doctorToken);
        var seen = await (await doctor.GetAsync($"MedicationDispense?patient=Patient/{own}&_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((int)seen["total"]! > 10);
        // The demo's My Number card signs its owner in: the demo CA is trusted, the card is the one his Coverage is linked to.
        var card = server.Services.GetRequiredService<Kakehashi.Platform.Security.CardSignIn>();
        var challenge = card.NewChallenge();
        var dataDirectory = server.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
        using var demoCard = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(dataDirectory, "security", DemoCard.CardFile));
        using var cardKey = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(demoCard)!;
        var signature = cardKey.SignData(System.Text.Encoding.ASCII.GetBytes(challenge), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var signedIn = await card.VerifyAsync(challenge, Convert.ToBase64String(demoCard.RawData), Convert.ToBase64String(signature), CancellationToken.None);
        Assert.Equal(DemoStaffSeeder.PatientId, signedIn.PatientId);

        var unconsented = DemoPopulationSeeder.PatientId(DemoPopulationSeeder.People - 1);
        var hidden = await (await doctor.GetAsync($"MedicationDispense?patient=Patient/{unconsented}&_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)hidden["total"]!);
    }
}
