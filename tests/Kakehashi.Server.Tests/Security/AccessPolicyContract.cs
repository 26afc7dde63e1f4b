using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>The role × resource × action policy intersected with SMART scopes, at the dispatcher: single requests, searches and Bundle entries.</summary>
public abstract class AccessPolicyContract(ServerFixture server)
{
    private HttpClient Admin => server.Client;

    private async Task<(string PatientId, string ConditionId, string MedicationRequestId, string CoverageId)> SeedPatientAsync()
    {
        var patient = (string)(await Admin.CreateAsync(PatientJson(Unique("方針"))))["id"]!;
        var condition = (string)(await Admin.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"},"code":{"text":"2型糖尿病"}}"""))["id"]!;
        var prescription = (string)(await Admin.CreateAsync($$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/{{{patient}}}"},"medicationCodeableConcept":{"text":"メトホルミン"}}"""))["id"]!;
        var coverage = (string)(await Admin.CreateAsync($$$"""{"resourceType":"Coverage","status":"active","beneficiary":{"reference":"Patient/{{{patient}}}"},"payor":[{"display":"協会けんぽ"}]}"""))["id"]!;
        return (patient, condition, prescription, coverage);
    }

    [Fact]
    public async Task Clerk_ChecksEligibility_ButCannotReadDiagnoses()
    {
        var data = await SeedPatientAsync();
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));

        await (await clerk.GetAsync($"Coverage/{data.CoverageId}")).ExpectAsync(HttpStatusCode.OK);
        await (await clerk.GetAsync($"Patient/{data.PatientId}")).ExpectAsync(HttpStatusCode.OK);
        var read = await (await clerk.GetAsync($"Condition/{data.ConditionId}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var search = await (await clerk.GetAsync($"Condition?patient=Patient/{data.PatientId}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        Assert.Contains("clerk", read);
        Assert.Contains("Condition", search);
    }

    [Fact]
    public async Task Pharmacist_ReadsPrescriptionsAndAllergies_ButCannotWriteDiagnoses()
    {
        var data = await SeedPatientAsync();
        var pharmacy = await server.RegisterClientAsync("pharmacist", "pharmacy");
        using var pharmacist = server.CreateClient(pharmacy);
        await TestConsents.GrantAsync(Admin, data.PatientId, pharmacy.OrganizationCode, "medication", "clinical-items");

        await (await pharmacist.GetAsync($"MedicationRequest/{data.MedicationRequestId}")).ExpectAsync(HttpStatusCode.OK);
        await (await pharmacist.GetAsync($"AllergyIntolerance?patient=Patient/{data.PatientId}")).ExpectAsync(HttpStatusCode.OK);
        var write = await pharmacist.SendAsync(HttpMethod.Post, "Condition", $$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{data.PatientId}}}"},"code":{"text":"偽の病名"}}""");
        await write.ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var prescribe = await pharmacist.SendAsync(HttpMethod.Post, "MedicationRequest", $$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/{{{data.PatientId}}}"},"medicationCodeableConcept":{"text":"偽の処方"}}""");
        await prescribe.ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var conditions = await (await Admin.GetAsync($"Condition?patient=Patient/{data.PatientId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(conditions["entry"]!.AsArray());
    }

    [Fact]
    public async Task Researcher_CannotReadPatientData()
    {
        var data = await SeedPatientAsync();
        using var researcher = server.CreateClient(await server.RegisterClientAsync("researcher", "research-body"));

        await (await researcher.GetAsync($"Patient/{data.PatientId}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await researcher.GetAsync("Observation")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await researcher.GetAsync("Organization")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Clerk_CannotProbeDiagnosesThroughHasChainOrRevinclude()
    {
        var data = await SeedPatientAsync();
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));

        await (await clerk.GetAsync("Patient?_has:Condition:patient:code:text=糖尿病")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync($"Patient?_id={data.PatientId}&_revinclude=Condition:patient")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Coverage?beneficiary:Patient._has:Condition:patient:code:text=糖尿病")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("_history")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("?_type=Condition")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Clerk_IncludeOfForbiddenType_IsDroppedFromTheResult()
    {
        var patient = (string)(await Admin.CreateAsync(PatientJson(Unique("包含"))))["id"]!;
        var condition = (string)(await Admin.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;
        var encounter = (string)(await Admin.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/{{{patient}}}"},"diagnosis":[{"condition":{"reference":"Condition/{{{condition}}}"}}]}"""))["id"]!;
        var all = await (await Admin.GetAsync($"Encounter?_id={encounter}&_include=Encounter:subject&_include=Encounter:diagnosis")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(all["entry"]!.AsArray(), e => (string?)e!["resource"]!["resourceType"] == "Condition");
        var clinic = await server.RegisterClientAsync("clerk", "clinic");
        using var clerk = server.CreateClient(clinic);
        await TestConsents.GrantAsync(Admin, patient, clinic.OrganizationCode, "treatment", "clinical-items");

        var bundle = await (await clerk.GetAsync($"Encounter?_id={encounter}&_include=Encounter:subject&_include=Encounter:diagnosis")).ExpectAsync(HttpStatusCode.OK);
        var types = bundle["entry"]!.AsArray().Select(e => (string)e!["resource"]!["resourceType"]!).ToList();
        Assert.Contains("Encounter", types);
        Assert.Contains("Patient", types);
        Assert.DoesNotContain("Condition", types);
    }

    [Fact]
    public async Task Transaction_WithOneForbiddenEntry_IsRefusedAndStoresNothing()
    {
        var data = await SeedPatientAsync();
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var family = Unique("取引");
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = JsonNode.Parse(PatientJson(family)), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" } },
                new JsonObject
                {
                    ["resource"] = JsonNode.Parse($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{data.PatientId}}}"}}"""),
                    ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Condition" },
                }),
        };

        var response = await clerk.PostAsync("", Json(bundle));
        await response.ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var stored = await (await Admin.GetAsync($"Patient?family={family}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(stored["entry"]);
    }

    [Fact]
    public async Task Batch_EntriesAreCheckedWithTheCallersRole()
    {
        var data = await SeedPatientAsync();
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "batch",
            ["entry"] = new JsonArray(new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Condition/{data.ConditionId}" } }),
        };

        await (await clerk.PostAsync("", Json(bundle))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NarrowScope_LimitsARoleThatWouldAllowMore()
    {
        var data = await SeedPatientAsync();
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital", "system/Patient.rs"));

        await (await doctor.GetAsync($"Patient/{data.PatientId}")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Condition/{data.ConditionId}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await doctor.SendAsync(HttpMethod.Post, "Patient", PatientJson(Unique("範囲")))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AuditEvent_CannotBeWrittenThroughTheFhirApi_EvenBySystems()
    {
        var response = await Admin.SendAsync(HttpMethod.Post, "AuditEvent", """{"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2026-01-01T00:00:00Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}""");
        await response.ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_RefusesAnInstitutionCodeWithAWrongCheckDigit()
    {
        var code = ServerFixture.NewInstitutionCode();
        var wrong = code[..9] + (char)('0' + ((code[9] - '0' + 1) % 10));
        var response = await Admin.PostAsJsonAsync("/admin/organizations", new { code = wrong, kind = "hospital", name = "誤り病院" });
        Assert.Contains("check digit", await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Admin_ApiIsForSecurityAdministratorsOnly()
    {
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await (await doctor.GetAsync("/admin/clients")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var anonymous = server.CreateAnonymousClient();
        await (await anonymous.GetAsync("/admin/audit")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class SqliteAccessPolicyTests(SqliteServerFixture server) : AccessPolicyContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAccessPolicyTests(PostgresServerFixture server) : AccessPolicyContract(server), IClassFixture<PostgresServerFixture>;
