using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// What the security administration screens call beyond the admin API's basics: a second factor
/// reset, the role policy as a table, and the audit trail searched by outcome, emergency and
/// period, page by page. Tried as an administrator of one organization against another's rows.
/// </summary>
public abstract class AdminScreensApiContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    [Fact]
    public async Task ResettingTheSecondFactor_RefusesTheOldCodes_AndTheNewOneSignsIn()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var nurse = await server.CreateAccountAsync("nurse", clinic);
        var reset = await (await Operator.PostAsync($"/admin/accounts/{nurse.Id}/reset-second-factor", null)).ExpectAsync(HttpStatusCode.OK);
        var secret = (string)reset["totpSecret"]!;
        Assert.NotEqual(nurse.TotpSecret, secret);

        await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(nurse, "user/*.rs", totp: Totp.Code(nurse.TotpSecret!, DateTimeOffset.UtcNow)));
        var (token, _) = await server.LoginAsync(nurse, "user/*.rs", totp: Totp.Code(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        Assert.False(string.IsNullOrEmpty(token));

        // An administrator of another organization cannot reset this account.
        var otherAdmin = await server.CreateAccountAsync("security-admin", await server.CreateOrganizationAsync("clinic"));
        var (adminToken, _) = await server.LoginAsync(otherAdmin, "user/*.rs");
        using var admin = server.CreateClientWithToken(adminToken);
        await (await admin.PostAsync($"/admin/accounts/{nurse.Id}/reset-second-factor", null)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await Operator.PostAsync($"/admin/accounts/{Guid.NewGuid()}/reset-second-factor", null)).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ThePolicy_ReadsAsItsFileStatesIt()
    {
        var policy = await (await Operator.GetAsync("/admin/policy")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cruds", (string?)policy["roles"]!["doctor"]!["diagnoses"]);
        Assert.Contains("Condition", policy["groups"]!["diagnoses"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("MedicationDispense", policy["consentCategories"]!["medication"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("Patient", policy["notClinical"]!.AsArray().Select(t => (string)t!));
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await (await doctor.GetAsync("/admin/policy")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheAuditSearch_FiltersByOutcomeEmergencyAndPeriod_AndPagesBackwards()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("監査"))))["id"]!;
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        for (var i = 0; i < 3; i++)
        {
            await (await doctor.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        }

        await (await doctor.GetAsync($"Condition/{Guid.NewGuid()}")).ExpectAsync(HttpStatusCode.NotFound);
        var agent = Uri.EscapeDataString(doctorClient.ClientId);
        async Task<JsonArray> SearchAsync(string query) => (await (await Operator.GetAsync($"/admin/audit?agent={agent}&{query}")).ExpectAsync(HttpStatusCode.OK)).AsArray();

        var failures = await SearchAsync("outcome=failure");
        Assert.NotEmpty(failures);
        Assert.All(failures, r => Assert.True((int)r!["record"]!["outcome"]! >= 400));
        var successes = await SearchAsync("outcome=success");
        Assert.Equal(3, successes.Count(r => (string?)r!["record"]!["interaction"] == "read"));
        Assert.All(successes, r => Assert.True((int)r!["record"]!["outcome"]! < 400));
        Assert.Empty(await SearchAsync("emergency=true"));
        Assert.Empty(await SearchAsync("until=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))));

        // Two rows a page, each page older than the last, none repeated.
        var first = await SearchAsync("count=2");
        var second = await SearchAsync($"count=2&before={(long)first[^1]!["index"]!}");
        Assert.Equal(2, first.Count);
        Assert.NotEmpty(second);
        Assert.True((long)second[0]!["index"]! < (long)first[^1]!["index"]!);
        await (await Operator.GetAsync("/admin/audit?outcome=maybe")).ExpectAsync(HttpStatusCode.BadRequest);

        // An administrator of another organization sees none of the hospital's rows, whatever it asks.
        var otherAdmin = await server.CreateAccountAsync("security-admin", await server.CreateOrganizationAsync("clinic"));
        var (adminToken, _) = await server.LoginAsync(otherAdmin, "user/*.rs");
        using var admin = server.CreateClientWithToken(adminToken);
        var theirs = await (await admin.GetAsync($"/admin/audit?agent={agent}&organization={doctorClient.OrganizationCode}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(theirs.AsArray());
    }
}

public sealed class SqliteAdminScreensApiTests(SqliteServerFixture server) : AdminScreensApiContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAdminScreensApiTests(PostgresServerFixture server) : AdminScreensApiContract(server), IClassFixture<PostgresServerFixture>;
