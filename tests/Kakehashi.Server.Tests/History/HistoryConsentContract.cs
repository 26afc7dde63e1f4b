using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Every history view needs the patient's consent in its category, for the caller's organization,
/// in force now; refusals are 403 naming the category; the patient sees their own; every view —
/// allowed or refused — is in the audit trail.
/// </summary>
public abstract class HistoryConsentContract(ServerFixture server)
{
    public static readonly TheoryData<string, string> Views = new()
    {
        { "medication-history", "medication" },
        { "treatment-history", "treatment" },
        { "checkup-history", "checkup" },
    };

    private static readonly string[] ViewNames = ["medication-history", "treatment-history", "checkup-history"];

    private static readonly string[] Categories = ["medication", "treatment", "checkup", "surgery", "clinical-items"];

    private HttpClient Operator => server.Client;

    private async Task<string> PatientWithHistoryAsync()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurerClient = server.CreateClient(insurer);
        var patient = (string)(await CreatePatientAsync(insurerClient, "同意"))["id"]!;
        await insurerClient.CreateAsync(Qualification(patient, insurer.OrganizationCode, "記号", Unique("Q"), "00"));
        await insurerClient.CreateAsync(Eob(patient, insurer.OrganizationCode, ServerFixture.NewInstitutionCode(1), "professional",
            Drug(1, Amlodipine, "2026-10-05"), Proc(2, Dialysis, "2026-10-05")).ToJsonString());
        await (await insurerClient.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-checkup",
            CheckupDocument("D-" + patient, "2026-06-01", ServerFixture.NewInstitutionCode(1), insurer.OrganizationCode, HbA1c(5.9m)).ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        return patient;
    }

    private static async Task<JsonNode> RefusedAsync(HttpClient client, string patient, string view)
    {
        var outcome = await (await client.GetAsync($"Patient/{patient}/${view}")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        return outcome["issue"]![0]!;
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task View_NeedsConsentInItsCategory_ForTheCallersOrganization_InForceNow(string view, string category)
    {
        var patient = await PatientWithHistoryAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);

        // No consent at all: 403 naming the category, machine-readable too.
        var issue = await RefusedAsync(doctor, patient, view);
        Assert.Equal("forbidden", (string?)issue["code"]);
        Assert.Contains($"'{category}'", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal(category, (string?)issue["details"]!["coding"]![0]!["code"]);
        Assert.Equal("http://kakehashi.jp/fhir/CodeSystem/consent-category", (string?)issue["details"]!["coding"]![0]!["system"]);

        // Consent in other categories, for another organization, expired or not yet begun: still 403.
        var others = Categories.Where(c => c != category).ToArray();
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, others);
        await TestConsents.GrantAsync(Operator, patient, await server.CreateOrganizationAsync("hospital"), category);
        var now = DateTimeOffset.UtcNow;
        await Operator.CreateAsync(TestConsents.Json(patient, doctorClient.OrganizationCode, [category], now.AddDays(-30), now.AddMinutes(-1)));
        await Operator.CreateAsync(TestConsents.Json(patient, doctorClient.OrganizationCode, [category], now.AddDays(1), now.AddDays(30)));
        await Operator.CreateAsync(TestConsents.Json(patient, doctorClient.OrganizationCode, [category], now.AddDays(-1), now.AddDays(30), status: "inactive"));
        await RefusedAsync(doctor, patient, view);

        // With it: 200 and the history.
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, category);
        var bundle = await (await doctor.GetAsync($"Patient/{patient}/${view}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Matches(bundle));

        // Both outcomes are in the audit trail, against the patient.
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        var rows = audit.AsArray().Select(r => r!["record"]!).Where(r => (string?)r["agent"] == doctorClient.ClientId && (string?)r["interaction"] == "$" + view).ToList();
        Assert.Equal(2, rows.Count(r => (int)r["outcome"]! == 403));
        var allowed = Assert.Single(rows, r => (int)r["outcome"]! == 200);
        Assert.Equal("doctor", (string?)allowed!["jobType"]);
        Assert.Equal(doctorClient.OrganizationCode, (string?)allowed["organization"]);
    }

    [Fact]
    public async Task Patient_SeesTheirOwnViews_ButNoOneElses()
    {
        var patient = await PatientWithHistoryAsync();
        var other = await PatientWithHistoryAsync();
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);

        foreach (var view in ViewNames)
        {
            Assert.NotEmpty(Matches(await (await me.GetAsync($"Patient/{patient}/${view}")).ExpectAsync(HttpStatusCode.OK)));
            await (await me.GetAsync($"Patient/{other}/${view}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        }

        // The portal still runs no other operation.
        await (await me.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-checkup", ParametersWithoutDocument)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Views_FollowTheRolePolicy_AndEmergencyAccessOpensThem()
    {
        var patient = await PatientWithHistoryAsync();

        // Reception staff may not read medication data, even with the patient's consent.
        var clerkClient = await server.RegisterClientAsync("clerk", "clinic");
        using var clerk = server.CreateClient(clerkClient);
        await TestConsents.GrantAsync(Operator, patient, clerkClient.OrganizationCode, "medication");
        var clerkIssue = await RefusedAsync(clerk, patient, "medication-history");
        Assert.Contains("clerk", (string?)clerkIssue["diagnostics"], StringComparison.Ordinal);

        // A pharmacy sees medication history with consent, but treatment history is not its business.
        var pharmacistClient = await server.RegisterClientAsync("pharmacist", "pharmacy");
        using var pharmacist = server.CreateClient(pharmacistClient);
        await TestConsents.GrantAsync(Operator, patient, pharmacistClient.OrganizationCode, "medication", "treatment");
        await (await pharmacist.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        await RefusedAsync(pharmacist, patient, "treatment-history");

        // Break-the-glass: a hospital doctor without consent opens the views for a limited time, audited as emergency.
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await RefusedAsync(doctor, patient, "medication-history");
        await (await doctor.SendAsync(HttpMethod.Post, $"Patient/{patient}/$emergency-access",
            """{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"意識障害で搬送、服薬歴の確認"}]}""")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["agent"] == doctorClient.ClientId && (string?)r["record"]!["interaction"] == "$medication-history"
                                            && (int)r["record"]!["outcome"]! == 200 && (bool)r["record"]!["emergency"]!);
    }
}

public sealed class SqliteHistoryConsentTests(SqliteServerFixture server) : HistoryConsentContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresHistoryConsentTests(PostgresServerFixture server) : HistoryConsentContract(server), IClassFixture<PostgresServerFixture>;
