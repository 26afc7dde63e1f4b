using System.Net;
using System.Net.Http.Json;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>People: authorization code + PKCE through the login page, TOTP for staff, lockout, and the patient portal's own compartment.</summary>
public abstract class PeopleLoginContract(ServerFixture server)
{
    [Fact]
    public async Task Clerk_SignsInWithPasswordAndTotp_AndActsAsAClerk()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("受付"))))["id"]!;
        var condition = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;

        var (token, expiresIn) = await server.LoginAsync(clerk, "user/*.cruds");
        using var http = server.CreateClientWithToken(token);

        Assert.InRange(expiresIn, 1, 600);
        await (await http.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync($"Condition/{condition}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Staff_WithoutTheRightTotpCode_CannotSignIn()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);

        var refused = await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(doctor, "user/*.rs", totp: "000000"));
        Assert.Equal(401, refused.Status);
        Assert.Contains("確認コード", refused.Page);
    }

    [Fact]
    public async Task RepeatedFailures_LockTheAccount_EvenForTheRightPassword()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var nurse = await server.CreateAccountAsync("nurse", hospital);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(nurse with { Password = "wrong-password-" + i }, "user/*.rs"));
        }

        var locked = await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(nurse, "user/*.rs"));
        Assert.Contains("ロック", locked.Page);
    }

    [Fact]
    public async Task AuthorizationCode_CannotBeRedeemedTwice()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var (code, verifier) = await server.AuthorizeAsync(doctor, "user/*.rs");
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = ServerFixture.AppRedirectUri,
            ["client_id"] = ServerFixture.AppClientId,
            ["code_verifier"] = verifier,
        };

        Assert.Equal(HttpStatusCode.OK, (await server.PostTokenAsync(form)).StatusCode);
        var again = await server.PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.DoesNotContain("access_token", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationCode_WithAWrongPkceVerifier_IsRefused()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var (code, _) = await server.AuthorizeAsync(doctor, "user/*.rs");
        var response = await server.PostTokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = ServerFixture.AppRedirectUri,
            ["client_id"] = ServerFixture.AppClientId,
            ["code_verifier"] = new string('a', 50),
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Authorize_WithAnUnregisteredRedirectUri_IsRefused()
    {
        using var browser = server.CreateBrowser();
        var response = await browser.GetAsync("/connect/authorize?response_type=code&client_id=" + ServerFixture.AppClientId +
            "&redirect_uri=" + Uri.EscapeDataString("https://attacker.example/cb") + "&scope=user%2F*.rs&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=S256");
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("attacker", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledAccount_LosesAccessAtOnce_AndCannotSignInAgain()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var (token, _) = await server.LoginAsync(doctor, "user/*.cruds");
        using var http = server.CreateClientWithToken(token);
        await (await http.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        var disable = await server.Client.PostAsJsonAsync($"/admin/accounts/{doctor.Id}/disable", new { reason = "退職" });
        Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);

        await (await http.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(doctor, "user/*.cruds"));
    }

    [Fact]
    public async Task TotpCode_IsAcceptedOnce_AndNeitherItNorAnEarlierStepsCodeSignsInAgain()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var now = DateTimeOffset.UtcNow;
        var code = Totp.Code(doctor.TotpSecret!, now);
        await server.LoginAsync(doctor, "user/*.rs", totp: code);

        // Someone who watched the code being typed (or replays the form) within its 90-second window.
        var replayed = await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(doctor, "user/*.rs", totp: code));
        Assert.Equal(401, replayed.Status);
        var previous = await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(doctor, "user/*.rs", totp: Totp.Code(doctor.TotpSecret!, now.AddSeconds(-30))));
        Assert.Equal(401, previous.Status);

        // The next step's code, never used, still signs in: the refusals were about reuse, not a lock.
        await server.LoginAsync(doctor, "user/*.rs", totp: Totp.Code(doctor.TotpSecret!, now.AddSeconds(30)));
    }

    [Fact]
    public async Task ParallelWrongPasswords_AreCheckedAtMostTheLockoutLimitTimes()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var nurse = await server.CreateAccountAsync("nurse", hospital);
        var limit = server.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.MaxFailedLogins;
        // Hashed as in production (the tests' cheap hashing leaves too short a window between reading the lock and writing a failure to race reliably).
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenConnectionAsync(CancellationToken.None))
        await using (var command = SqlCommands.Create(connection, null, "UPDATE security_accounts SET password_hash = @p1 WHERE id = @p0",
            nurse.Id, PasswordHasher.Hash(nurse.Password, new SecurityOptions().PasswordIterations)))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var returnUrl = LoginEndpoints.AuthorizePath + "?response_type=code&client_id=" + ServerFixture.AppClientId;
        using var browser = server.CreateBrowser();

        // 30 guesses at once: each one the server answers "wrong password" for is a password it checked.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = nurse.Username,
                ["password"] = "wrong-password-" + i,
                ["totp"] = Totp.Code(nurse.TotpSecret!, DateTimeOffset.UtcNow),
                ["returnUrl"] = returnUrl,
            }));
            return (Status: (int)response.StatusCode, Page: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.Equal(401, a.Status));
        var checkedPasswords = answers.Count(a => !a.Page.Contains("ロック", StringComparison.Ordinal));
        Assert.InRange(checkedPasswords, 1, limit);
        var locked = await Assert.ThrowsAsync<LoginRefusedException>(() => server.LoginAsync(nurse, "user/*.rs"));
        Assert.Contains("ロック", locked.Page);
    }

    [Fact]
    public async Task ReEnabledAccount_TokensFromBeforeTheDisableStayRefused()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var (token, _) = await server.LoginAsync(doctor, "user/*.cruds");
        using var old = server.CreateClientWithToken(token);
        await (await old.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsJsonAsync($"/admin/accounts/{doctor.Id}/disable", new { reason = "端末紛失" })).StatusCode);
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsync($"/admin/accounts/{doctor.Id}/enable", null)).StatusCode);

        // The token the lost device holds does not come back to life; a new sign-in works.
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        var (renewed, _) = await server.LoginAsync(doctor, "user/*.cruds", totp: Totp.Code(doctor.TotpSecret!, DateTimeOffset.UtcNow.AddSeconds(30)));
        using var fresh = server.CreateClientWithToken(renewed);
        await (await fresh.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await old.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(null)]
    public async Task Authorize_WithoutS256Pkce_IsRefused(string? method)
    {
        // With plain, the challenge is the verifier: whoever sees the authorization request can redeem the code.
        var verifier = new string('v', 50);
        using var browser = server.CreateBrowser();
        var response = await browser.GetAsync(LoginEndpoints.AuthorizePath + "?response_type=code&client_id=" + ServerFixture.AppClientId +
            "&redirect_uri=" + Uri.EscapeDataString(ServerFixture.AppRedirectUri) + "&scope=user%2F*.rs&state=s1&code_challenge=" + verifier +
            (method is null ? "" : "&code_challenge_method=" + method));

        var location = response.Headers.Location?.ToString() ?? "";
        Assert.DoesNotContain("/login", location, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
        Assert.Contains("invalid_request", location + await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patient_SeesOnlyTheirOwnCompartment_AndWhoAccessedIt()
    {
        var mine = (string)(await server.Client.CreateAsync(PatientJson(Unique("本人"))))["id"]!;
        var other = (string)(await server.Client.CreateAsync(PatientJson(Unique("他人"))))["id"]!;
        var code = Unique("hba1c");
        var myObservation = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{mine}}}"}}"""))["id"]!;
        var otherObservation = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{other}}}"}}"""))["id"]!;
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, mine);

        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var http = server.CreateClientWithToken(token);

        var search = await (await http.GetAsync($"Observation?code=urn:test|{code}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([myObservation], search["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!));
        var forced = await (await http.GetAsync($"Observation?code=urn:test|{code}&patient=Patient/{other}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(forced["entry"]);
        await (await http.GetAsync($"Observation/{myObservation}")).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync($"Patient/{mine}")).ExpectAsync(HttpStatusCode.OK);

        // Someone else's data answers exactly like data that does not exist.
        var missingId = Guid.NewGuid().ToString();
        var hidden = await (await http.GetAsync($"Observation/{otherObservation}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var missing = await (await http.GetAsync($"Observation/{missingId}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(missing.Replace(missingId, "ID", StringComparison.Ordinal), hidden.Replace(otherObservation, "ID", StringComparison.Ordinal));
        await (await http.GetAsync($"Patient/{other}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await http.GetAsync($"Observation/{otherObservation}/_history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await http.GetAsync("Observation/_history")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await http.GetAsync($"Patient/{other}/Observation")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await http.GetAsync($"Patient/{other}/$everything")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await http.GetAsync($"Observation/{otherObservation}/$validate")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await http.SendAsync(HttpMethod.Post, "Observation", $$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{mine}}}"}}""")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // A doctor reads the patient's data; the patient's access log shows it.
        var hospital = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(hospital);
        await TestConsents.GrantAsync(server.Client, mine, hospital.OrganizationCode, "clinical-items");
        await (await doctor.GetAsync($"Observation/{myObservation}")).ExpectAsync(HttpStatusCode.OK);
        using var me = server.CreateClientWithToken(token);
        var log = await (await me.GetAsync("/me/access-log")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(log.AsArray(), e => (string?)e!["jobType"] == "doctor" && (string?)e!["action"] == "R");
        Assert.DoesNotContain(log.AsArray(), e => (string?)e!["jobType"] == "patient");
    }
}

public sealed class SqlitePeopleLoginTests(SqliteServerFixture server) : PeopleLoginContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresPeopleLoginTests(PostgresServerFixture server) : PeopleLoginContract(server), IClassFixture<PostgresServerFixture>;
