using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// The JSON endpoints outside FHIR (/admin, /me, /eligibility) go through one access and audit
/// filter: every call, allowed or refused, leaves an audit row naming the caller.
/// </summary>
public abstract class EndpointAccessContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private async Task<List<JsonNode>> RowsByAsync(string agent)
    {
        var body = await (await Operator.GetAsync($"/admin/audit?agent={Uri.EscapeDataString(agent)}&count=100")).ExpectAsync(HttpStatusCode.OK);
        return [.. body.AsArray().Select(r => r!["record"]!)];
    }

    [Fact]
    public async Task AnAdministratorsRead_IsAuditedWithTheCaller()
    {
        var adminClient = await server.RegisterClientAsync("security-admin", "hospital");
        using var admin = server.CreateClient(adminClient);

        await (await admin.GetAsync("/admin/audit?count=1")).ExpectAsync(HttpStatusCode.OK);
        await (await admin.GetAsync("/admin/clients")).ExpectAsync(HttpStatusCode.OK);

        var rows = await RowsByAsync(adminClient.ClientId);
        var search = Assert.Single(rows, r => (string?)r["interaction"] == "audit-search");
        Assert.Equal("admin/audit", (string?)search["resource"]);
        Assert.Equal(200, (int)search["outcome"]!);
        Assert.Equal("R", (string?)search["action"]);
        Assert.Equal("security-admin", (string?)search["jobType"]);
        Assert.Equal(adminClient.OrganizationCode, (string?)search["organization"]);
        Assert.Null((string?)search["patient"]);
        Assert.Contains(rows, r => (string?)r["interaction"] == "client-list" && (int)r["outcome"]! == 200);
    }

    [Fact]
    public async Task APatientReadingTheirAccessLog_IsAuditedAgainstThemselves_AndSearchesOfTheirTrailShowThere()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("記録閲覧"))))["id"]!;
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);

        await (await me.GetAsync("/me/access-log")).ExpectAsync(HttpStatusCode.OK);

        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + patient)}&count=100")).ExpectAsync(HttpStatusCode.OK);
        var read = Assert.Single(audit.AsArray(), r => (string?)r!["record"]!["interaction"] == "access-log")!["record"]!;
        Assert.Equal(account.Id, (string?)read["agent"]);
        Assert.Equal("patient", (string?)read["jobType"]);
        Assert.Equal("me/access-log", (string?)read["resource"]);
        Assert.Equal(200, (int)read["outcome"]!);

        // The operator's search of this patient's trail (just above) is itself in the patient's log.
        var log = await (await me.GetAsync("/me/access-log")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(log.AsArray(), e => (string?)e!["what"] == "audit-search admin/audit" && (string?)e["jobType"] == "system");
    }

    [Fact]
    public async Task TheWrongRole_IsRefused_AndTheRefusalIsAudited()
    {
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);

        await (await doctor.GetAsync("/admin/audit")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await doctor.PostAsync("/admin/disable-inactive", null)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await doctor.GetAsync("/me/access-log")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var rows = await RowsByAsync(doctorClient.ClientId);
        Assert.Contains(rows, r => (string?)r["interaction"] == "audit-search" && (int)r["outcome"]! == 403);
        Assert.Contains(rows, r => (string?)r["interaction"] == "disable-inactive" && (int)r["outcome"]! == 403 && (string?)r["action"] == "U");
        Assert.Contains(rows, r => (string?)r["interaction"] == "access-log" && (int)r["outcome"]! == 403 && (string?)r["patient"] is null);
    }

    [Fact]
    public async Task AMissingScope_IsRefused_AndTheRefusalIsAudited()
    {
        var insured = await RegisterAsync(Operator, await CreateInsurerAsync(Operator));
        var clerkClient = await server.RegisterClientAsync("clerk", "clinic", "system/Patient.rs");
        using var clerk = server.CreateClient(clerkClient);

        var message = await (await CheckAsync(clerk, InsuranceCardCheck(insured))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains("system/CoverageEligibilityRequest.ru", message, StringComparison.Ordinal);
        await (await clerk.GetAsync("/eligibility/prechecks/" + Guid.NewGuid().ToString("N"))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var rows = await RowsByAsync(clerkClient.ClientId);
        var check = Assert.Single(rows, r => (string?)r["interaction"] == "eligibility-check");
        Assert.Equal(403, (int)check["outcome"]!);
        Assert.Equal("eligibility/check", (string?)check["resource"]);
        Assert.Null((string?)check["patient"]);
        Assert.Contains(rows, r => (string?)r["interaction"] == "eligibility-precheck-results" && (int)r["outcome"]! == 403);
    }

    [Fact]
    public async Task AFailureAfterAdmission_IsAuditedWithItsStatus()
    {
        var adminClient = await server.RegisterClientAsync("security-admin", "hospital");
        using var admin = server.CreateClient(adminClient);

        // Another organization's client: the organization rule of the handler refuses it, after the filter admitted the caller.
        await (await admin.PostAsync($"/admin/clients/{Uri.EscapeDataString(server.SystemClient.ClientId)}/disable", null)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsync($"/admin/accounts/{Guid.NewGuid()}/enable", null)).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var rows = await RowsByAsync(adminClient.ClientId);
        Assert.Contains(rows, r => (string?)r["interaction"] == "client-disable" && (int)r["outcome"]! == 403);
        Assert.Contains(rows, r => (string?)r["interaction"] == "account-enable" && (int)r["outcome"]! == 404);
    }
}

public sealed class SqliteEndpointAccessTests(SqliteServerFixture server) : EndpointAccessContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresEndpointAccessTests(PostgresServerFixture server) : EndpointAccessContract(server), IClassFixture<PostgresServerFixture>;
