using Kakehashi.Server.Demo;
using Kakehashi.Server.Hosting;
using Kakehashi.Server.Tests.Support;
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
    };
}

/// <summary>The demo staff the README points to: their credentials in an owner-only file, and they sign in.</summary>
public sealed class DemoStaffTests(DemoServerFixture server) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task DemoClerkAndDoctor_AreCreated_WithTheirSecretsInTheDataFolder_AndSignIn()
    {
        var dataDirectory = server.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
        var file = Path.Combine(dataDirectory, "security", DemoStaffSeeder.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var accounts = File.ReadLines(file).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(p => p[0]);
        Assert.Equal(["demo-clerk", "demo-doctor"], accounts.Keys.Order());

        foreach (var (username, role) in new[] { ("demo-clerk", "clerk"), ("demo-doctor", "doctor") })
        {
            var line = accounts[username];
            var (token, _) = await server.LoginAsync(new TestAccount("", username, line[1], line[2]), "user/*.rs");
            var claims = new JsonWebToken(token);
            Assert.Equal(role, claims.GetClaim("kh_role").Value);
            Assert.Equal(DemoStaffSeeder.HospitalCode, claims.GetClaim("kh_org").Value);
        }

        // The database keeps the password's hash only.
        var stored = await server.Services.GetRequiredService<Kakehashi.Server.Security.SecurityStore>().FindAccountByUsernameAsync("demo-doctor", CancellationToken.None);
        Assert.NotEqual(accounts["demo-doctor"][1], stored!.PasswordHash);
        Assert.DoesNotContain(accounts["demo-doctor"][1], stored.PasswordHash, StringComparison.Ordinal);
    }
}
