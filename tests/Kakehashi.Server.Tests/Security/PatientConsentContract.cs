using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// The patient manages their own consents (/me/consents, docs/security/consent.md): give, narrow,
/// withdraw — and a clinic's sight of the data follows at once, through the same SQL predicate
/// every consent-bound read is narrowed by. Tried as an attacker with two patients and two clinics.
/// </summary>
public abstract class PatientConsentContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private async Task<(string Patient, string Prescription, string Observation)> SeedAsync()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("本人"))))["id"]!;
        var prescription = (string)(await Operator.CreateAsync($$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/{{{patient}}}"},"medicationCodeableConcept":{"text":"アムロジピン"}}"""))["id"]!;
        var observation = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"HbA1c"},"subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;
        return (patient, prescription, observation);
    }

    private async Task<HttpClient> PatientClientAsync(string patient)
    {
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        return server.CreateClientWithToken(token);
    }

    private static StringContent Json(string json) => new StringContent(json, System.Text.Encoding.UTF8, "application/json");

    private static string Until(int days) => DateTimeOffset.UtcNow.AddDays(days).ToString("O");

    [Fact]
    public async Task GiveNarrowWithdraw_TheClinicsSightFollowsAtOnce()
    {
        var data = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        using var me = await PatientClientAsync(data.Patient);
        await (await doctor.GetAsync($"MedicationRequest/{data.Prescription}")).ExpectAsync(HttpStatusCode.NotFound);

        // Give: medication and clinical items to the hospital for 30 days.
        var given = await (await me.PostAsync("/me/consents", Json($$"""{"institutionCode":"{{doctorClient.OrganizationCode}}","categories":["medication","clinical-items"],"until":"{{Until(30)}}"}""")))
            .ExpectAsync(HttpStatusCode.Created);
        var id = (string)given["id"]!;
        Assert.Equal("active", (string?)given["status"]);
        Assert.Equal(doctorClient.OrganizationCode, (string?)given["institutionCode"]);
        Assert.False(string.IsNullOrEmpty((string?)given["institutionName"]));
        await (await doctor.GetAsync($"MedicationRequest/{data.Prescription}")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Observation/{data.Observation}")).ExpectAsync(HttpStatusCode.OK);

        // Narrow to clinical items: the prescription is gone from the hospital's sight, the lab stays.
        var narrowed = await (await me.PostAsync($"/me/consents/{id}/narrow", Json("""{"categories":["clinical-items"]}"""))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["clinical-items"], narrowed["categories"]!.AsArray().Select(c => (string)c!));
        await (await doctor.GetAsync($"MedicationRequest/{data.Prescription}")).ExpectAsync(HttpStatusCode.NotFound);
        var search = await (await doctor.GetAsync($"MedicationRequest?patient=Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(search["entry"]);
        await (await doctor.GetAsync($"Observation/{data.Observation}")).ExpectAsync(HttpStatusCode.OK);

        // Narrowing never widens: a category taken away comes back only as a new consent.
        var wider = await (await me.PostAsync($"/me/consents/{id}/narrow", Json("""{"categories":["clinical-items","medication"]}"""))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("new consent", wider, StringComparison.Ordinal);
        await (await me.PostAsync($"/me/consents/{id}/narrow", Json($$"""{"categories":["clinical-items"],"until":"{{Until(60)}}"}"""))).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        // Withdraw: nothing is left open, and the list says so.
        var withdrawn = await (await me.PostAsync($"/me/consents/{id}/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", (string?)withdrawn["status"]);
        await (await doctor.GetAsync($"Observation/{data.Observation}")).ExpectAsync(HttpStatusCode.NotFound);
        var list = await (await me.GetAsync("/me/consents")).ExpectAsync(HttpStatusCode.OK);
        var row = Assert.Single(list.AsArray(), c => (string?)c!["id"] == id);
        Assert.Equal("withdrawn", (string?)row!["status"]);
        Assert.False((bool)row["active"]!);
        await (await me.PostAsync($"/me/consents/{id}/narrow", Json("""{"categories":["clinical-items"]}"""))).ExpectAsync(HttpStatusCode.Conflict);

        // Each change is in the audit trail, attributed to the patient.
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + data.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        var mine = audit.AsArray().Select(r => r!["record"]!).Where(r => (string?)r["jobType"] == "patient").Select(r => (string?)r["interaction"]).ToList();
        Assert.Contains("consent-give", mine);
        Assert.Contains("consent-narrow", mine);
        Assert.Contains("consent-withdraw", mine);
    }

    [Fact]
    public async Task APatientCannotTouchAnothersConsents_NorGiveNonsense_AndStaffCannotUseThePortalsEndpoints()
    {
        var alice = await SeedAsync();
        var bob = await SeedAsync();
        var clinic = await server.CreateOrganizationAsync("clinic");
        var bobsConsent = await TestConsents.GrantAsync(Operator, bob.Patient, clinic, "medication");
        using var me = await PatientClientAsync(alice.Patient);

        // Bob's consent answers exactly like one that does not exist, and stays in force.
        await (await me.PostAsync($"/me/consents/{bobsConsent}/withdraw", null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await me.PostAsync($"/me/consents/{Guid.NewGuid()}/withdraw", null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await me.PostAsync($"/me/consents/{bobsConsent}/narrow", Json("""{"categories":["medication"]}"""))).ExpectAsync(HttpStatusCode.NotFound);
        var mine = await (await me.GetAsync("/me/consents")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(mine.AsArray(), c => (string?)c!["id"] == bobsConsent);
        var stored = await (await Operator.GetAsync($"Consent/{bobsConsent}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", (string?)stored["status"]);

        async Task<string?> RefusedAsync(string body)
        {
            var outcome = await (await me.PostAsync("/me/consents", Json(body))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
            return (string?)outcome["issue"]![0]!["expression"]?[0];
        }

        Assert.Equal("institutionCode", await RefusedAsync($$"""{"institutionCode":"1234567890","categories":["medication"],"until":"{{Until(10)}}"}"""));
        Assert.Equal("institutionCode", await RefusedAsync($$"""{"institutionCode":"{{ServerFixture.NewInstitutionCode(1)}}","categories":["medication"],"until":"{{Until(10)}}"}"""));
        Assert.Equal("categories", await RefusedAsync($$"""{"institutionCode":"{{clinic}}","categories":["everything"],"until":"{{Until(10)}}"}"""));
        Assert.Equal("categories", await RefusedAsync($$"""{"institutionCode":"{{clinic}}","categories":[],"until":"{{Until(10)}}"}"""));
        Assert.Equal("until", await RefusedAsync($$"""{"institutionCode":"{{clinic}}","categories":["medication"],"until":"{{Until(-1)}}"}"""));
        Assert.Equal("until", await RefusedAsync($$"""{"institutionCode":"{{clinic}}","categories":["medication"],"until":"{{Until(3000)}}"}"""));
        // An insurer is not an institution a patient gives consent to.
        var insurer = await server.CreateOrganizationAsync("insurer");
        Assert.Equal("institutionCode", await RefusedAsync($$"""{"institutionCode":"{{insurer}}","categories":["medication"],"until":"{{Until(10)}}"}"""));

        // Staff and systems have no "me" here.
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await (await doctor.GetAsync("/me/consents")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await doctor.PostAsync($"/me/consents/{bobsConsent}/withdraw", null)).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheAccessLog_NamesTheOrganizationAndTheKindOfData()
    {
        var data = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, data.Patient, doctorClient.OrganizationCode, "medication");
        await (await doctor.GetAsync($"MedicationRequest/{data.Prescription}")).ExpectAsync(HttpStatusCode.OK);

        using var me = await PatientClientAsync(data.Patient);
        var log = await (await me.GetAsync("/me/access-log")).ExpectAsync(HttpStatusCode.OK);
        var read = Assert.Single(log.AsArray(), e => (string?)e!["resourceType"] == "MedicationRequest" && (string?)e["interaction"] == "read");
        Assert.Equal(doctorClient.OrganizationCode, (string?)read!["organization"]);
        Assert.False(string.IsNullOrEmpty((string?)read["organizationName"]));
        Assert.Equal("hospital", (string?)read["organizationKind"]);
        Assert.Equal("medication", (string?)read["category"]);
        Assert.Equal("doctor", (string?)read["jobType"]);
        Assert.Equal("read", (string?)read["verb"]);
    }
}

public sealed class SqlitePatientConsentTests(SqliteServerFixture server) : PatientConsentContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresPatientConsentTests(PostgresServerFixture server) : PatientConsentContract(server), IClassFixture<PostgresServerFixture>;
