using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Patient consent narrows what medical institutions see, before any query runs — matches,
/// totals, includes, chains, _has, conditional matching, history, $everything and Bundle
/// entries alike — and emergency access opens it for a hospital doctor, audited and alerted.
/// </summary>
public abstract class ConsentContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    /// <summary>A patient with a diagnosis, a lab result, a prescription and a visit, written by the operator (no institution wrote them).</summary>
    private async Task<(string Patient, string Condition, string Observation, string Prescription, string Encounter, string Code)> SeedAsync()
    {
        var code = Unique("E11");
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("同意"))))["id"]!;
        var condition = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"},"code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]}}"""))["id"]!;
        var observation = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{patient}}}"},"hasMember":[{"reference":"Condition/{{{condition}}}"}]}"""))["id"]!;
        var prescription = (string)(await Operator.CreateAsync($$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/{{{patient}}}"},"medicationCodeableConcept":{"text":"メトホルミン"},"reasonReference":[{"reference":"Condition/{{{condition}}}"}]}"""))["id"]!;
        var encounter = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/{{{patient}}}"},"diagnosis":[{"condition":{"reference":"Condition/{{{condition}}}"}}]}"""))["id"]!;
        return (patient, condition, observation, prescription, encounter, code);
    }

    private Task<string> GrantAsync(string patient, string institution, params string[] categories) =>
        TestConsents.GrantAsync(Operator, patient, institution, categories);

    /// <summary>Posts a Consent that must be refused with 422; returns the element the error names.</summary>
    private async Task<string?> RefusedAtAsync(string consent)
    {
        var outcome = await (await Operator.SendAsync(HttpMethod.Post, "Consent", consent)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        return (string?)outcome["issue"]![0]!["expression"]?[0];
    }

    private static IEnumerable<string> Ids(JsonNode bundle, string mode = "match") =>
        bundle["entry"]?.AsArray().Where(e => (string?)e!["search"]?["mode"] == mode).Select(e => (string)e!["resource"]!["id"]!) ?? [];

    [Fact]
    public async Task WithoutConsent_ClinicalDataIsInvisible_EverywhereAQueryCanReach()
    {
        var data = await SeedAsync();
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));

        // Demographics are not consent-bound: reception must find the patient.
        await (await doctor.GetAsync($"Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK);

        var search = await (await doctor.GetAsync($"Condition?patient=Patient/{data.Patient}&_total=accurate")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(search));
        Assert.Equal(0, (int)search["total"]!);

        // A hidden resource answers exactly like one that does not exist.
        var missingId = Guid.NewGuid().ToString();
        var hidden = await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var missing = await (await doctor.GetAsync($"Condition/{missingId}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(missing.Replace(missingId, "ID", StringComparison.Ordinal), hidden.Replace(data.Condition, "ID", StringComparison.Ordinal));
        await (await doctor.GetAsync($"Condition/{data.Condition}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await doctor.GetAsync($"Condition/{data.Condition}/_history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // An operation on a stored instance ($validate reads it) sees no more than a read does.
        const string ProfileOnly = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"profile\",\"valueUri\":\"http://hl7.org/fhir/StructureDefinition/Condition\"}]}";
        var validateHidden = await (await doctor.SendAsync(HttpMethod.Post, $"Condition/{data.Condition}/$validate", ProfileOnly)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var validateMissing = await (await doctor.SendAsync(HttpMethod.Post, $"Condition/{missingId}/$validate", ProfileOnly)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(validateMissing.Replace(missingId, "ID", StringComparison.Ordinal), validateHidden.Replace(data.Condition, "ID", StringComparison.Ordinal));

        // _has cannot test values of hidden diagnoses (no bisection oracle), and chains cannot reach them.
        var has = await (await doctor.GetAsync($"Patient?_id={data.Patient}&_has:Condition:patient:code=urn:test|{data.Code}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(has));
        Assert.Empty(Ids(await (await doctor.GetAsync($"Encounter?diagnosis:Condition.code=urn:test|{data.Code}")).ExpectAsync(HttpStatusCode.OK)));

        // Includes and revincludes from visible resources do not carry hidden ones.
        var revinclude = await (await doctor.GetAsync($"Patient?_id={data.Patient}&_revinclude=Condition:patient&_revinclude=Observation:patient")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([data.Patient], Ids(revinclude));
        Assert.Empty(Ids(revinclude, "include"));

        // Compartment search and type history.
        var compartment = await (await doctor.GetAsync($"Patient/{data.Patient}/Condition")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(compartment));
        var history = await (await doctor.GetAsync($"Condition/_history?_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(history["entry"]?.AsArray() ?? [], e => ((string?)e!["fullUrl"])?.EndsWith("Condition/" + data.Condition, StringComparison.Ordinal) == true);

        // Bundle entries are narrowed too.
        var batch = $$$"""{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Condition/{{{data.Condition}}}"}},{"request":{"method":"GET","url":"Condition?patient=Patient/{{{data.Patient}}}"}}]}""";
        var answer = await (await doctor.SendAsync(HttpMethod.Post, "", batch)).ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith("404", (string?)answer["entry"]![0]!["response"]!["status"]);
        Assert.Null(answer["entry"]![1]!["resource"]!["entry"]);
    }

    [Fact]
    public async Task ConditionalWrites_DoNotMatchHiddenResources()
    {
        var data = await SeedAsync();
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));

        // If-None-Exist does not reveal (or return) the hidden diagnosis: a new one is made.
        var create = await doctor.SendAsync(HttpMethod.Post, "Condition", $$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{data.Patient}}}"},"code":{"coding":[{"system":"urn:test","code":"{{{data.Code}}}"}]}}""",
            Header("If-None-Exist", $"code=urn:test|{data.Code}"));
        var created = await create.ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual(data.Condition, (string?)created["id"]);

        // Conditional delete and patch cannot reach it either; the hidden record is intact.
        await (await doctor.SendAsync(HttpMethod.Delete, $"Condition?_id={data.Condition}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await doctor.SendAsync(HttpMethod.Patch, $"Condition?_id={data.Condition}", """[{"op":"add","path":"/note","value":[{"text":"x"}]}]""", mediaType: "application/json-patch+json")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await doctor.SendAsync(HttpMethod.Delete, $"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var intact = await (await Operator.GetAsync($"Condition/{data.Condition}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)intact["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Consent_OpensItsCategoriesToItsOrganization_UntilWithdrawn()
    {
        var data = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        using var otherHospital = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var consent = await GrantAsync(data.Patient, doctorClient.OrganizationCode, "clinical-items");

        await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectAsync(HttpStatusCode.OK);
        var search = await (await doctor.GetAsync($"Observation?patient=Patient/{data.Patient}&_include=Observation:has-member")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([data.Observation], Ids(search));
        Assert.Equal([data.Condition], Ids(search, "include"));

        // Only the consented category, and only for the consented organization.
        await GrantAsync(data.Patient, doctorClient.OrganizationCode, "treatment");
        Assert.Equal([data.Encounter], Ids(await (await doctor.GetAsync($"Encounter?diagnosis:Condition.code=urn:test|{data.Code}")).ExpectAsync(HttpStatusCode.OK)));
        Assert.Empty(Ids(await (await doctor.GetAsync($"MedicationRequest?patient=Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK)));
        await (await otherHospital.GetAsync($"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // Withdrawal takes effect at once.
        var current = await (await Operator.GetAsync($"Consent/{consent}")).ExpectAsync(HttpStatusCode.OK);
        current["status"] = "inactive";
        await (await Operator.SendAsync(HttpMethod.Put, $"Consent/{consent}", current.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ExpiredOrFutureConsent_GrantsNothing()
    {
        var data = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        var now = DateTimeOffset.UtcNow;
        await Operator.CreateAsync(TestConsents.Json(data.Patient, doctorClient.OrganizationCode, ["clinical-items"], now.AddDays(-30), now.AddDays(-1)));
        await Operator.CreateAsync(TestConsents.Json(data.Patient, doctorClient.OrganizationCode, ["clinical-items"], now.AddDays(1), now.AddDays(30)));

        await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pharmacy_SeesPrescriptionsWithMedicationConsent()
    {
        var data = await SeedAsync();
        var pharmacistClient = await server.RegisterClientAsync("pharmacist", "pharmacy");
        using var pharmacist = server.CreateClient(pharmacistClient);
        Assert.Empty(Ids(await (await pharmacist.GetAsync($"MedicationRequest?patient=Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK)));

        await GrantAsync(data.Patient, pharmacistClient.OrganizationCode, "medication");
        Assert.Equal([data.Prescription], Ids(await (await pharmacist.GetAsync($"MedicationRequest?patient=Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task AnInstitution_AlwaysSeesWhatItWrote_AndCannotForgeAnotherAuthor()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("自院"))))["id"]!;
        var mineClient = await server.RegisterClientAsync("doctor", "clinic");
        using var mine = server.CreateClient(mineClient);
        using var other = server.CreateClient(await server.RegisterClientAsync("doctor", "clinic"));
        var otherCode = (await server.RegisterClientAsync("doctor", "clinic")).OrganizationCode;

        var forged = $$$"""{"resourceType":"Condition","meta":{"tag":[{"system":"http://kakehashi.jp/fhir/CodeSystem/author-organization","code":"{{{otherCode}}}"}]},"subject":{"reference":"Patient/{{{patient}}}"},"code":{"text":"高血圧症"}}""";
        var created = await mine.CreateAsync(forged);
        var id = (string)created["id"]!;
        var tags = created["meta"]!["tag"]!.AsArray().Select(t => (string?)t!["code"]).ToList();
        Assert.Equal([mineClient.OrganizationCode], tags);

        await (await mine.GetAsync($"Condition/{id}")).ExpectAsync(HttpStatusCode.OK);
        await (await other.GetAsync($"Condition/{id}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MalformedConsent_IsRefusedWithTheElementNamed()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("不正"))))["id"]!;
        var institution = await server.CreateOrganizationAsync("hospital");
        var now = DateTimeOffset.UtcNow;
        var noEnd = JsonNode.Parse(TestConsents.Json(patient, institution, ["medication"], now, now.AddDays(1)))!;
        noEnd["provision"]!["period"]!.AsObject().Remove("end");
        Assert.Equal("Consent.provision.period", await RefusedAtAsync(noEnd.ToJsonString()));
        Assert.Equal("Consent.provision.actor[0].reference.identifier", await RefusedAtAsync(TestConsents.Json(patient, "1311234560", ["medication"], now, now.AddDays(1))));
        Assert.Equal("Consent.category", await RefusedAtAsync(TestConsents.Json(patient, institution, ["everything"], now, now.AddDays(1))));
        Assert.Equal("Consent.provision.period", await RefusedAtAsync(TestConsents.Json(patient, institution, ["medication"], now, now.AddDays(-1))));

        var none = await (await Operator.GetAsync($"Consent?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(none["entry"]);
    }

    [Fact]
    public async Task EmergencyAccess_IsForHospitalDoctors_WithAReason()
    {
        var data = await SeedAsync();
        const string Reason = "意識障害で救急搬送、既往歴の確認が必要";
        using var clinicDoctor = server.CreateClient(await server.RegisterClientAsync("doctor", "clinic"));
        using var nurse = server.CreateClient(await server.RegisterClientAsync("nurse", "hospital"));
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        var body = $$$"""{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"{{{Reason}}}"}]}""";

        await (await clinicDoctor.SendAsync(HttpMethod.Post, $"Patient/{data.Patient}/$emergency-access", body)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await nurse.SendAsync(HttpMethod.Post, $"Patient/{data.Patient}/$emergency-access", body)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await doctor.SendAsync(HttpMethod.Post, $"Patient/{data.Patient}/$emergency-access", """{"resourceType":"Parameters"}""")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var granted = await (await doctor.SendAsync(HttpMethod.Post, $"Patient/{data.Patient}/$emergency-access", body)).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(granted["parameter"]!.AsArray(), p => (string?)p!["name"] == "expires");
        await (await doctor.GetAsync($"Condition/{data.Condition}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([data.Prescription], Ids(await (await doctor.GetAsync($"MedicationRequest?patient=Patient/{data.Patient}")).ExpectAsync(HttpStatusCode.OK)));

        // The grant is audited with its reason, later reads are marked emergency, and an alert awaits the administrators.
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + data.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        var rows = audit.AsArray().Select(r => r!["record"]!).Where(r => (string?)r["agent"] == doctorClient.ClientId).ToList();
        Assert.Contains(rows, r => (bool)r["emergency"]! && (string?)r["reason"] == Reason && (string?)r["purpose"] == "ETREAT");
        Assert.Contains(rows, r => (bool)r["emergency"]! && (string?)r["interaction"] == "read" && (int)r["outcome"]! == 200);
        var alerts = await (await Operator.GetAsync("/admin/alerts?open=true")).ExpectAsync(HttpStatusCode.OK);
        var alert = Assert.Single(alerts.AsArray(), a => (string?)a!["agent"] == doctorClient.ClientId);
        Assert.Equal("Patient/" + data.Patient, (string?)alert!["patientKey"]);
        Assert.Equal(doctorClient.OrganizationCode, (string?)alert["organizationCode"]);
        await (await Operator.PostAsync($"/admin/alerts/{(string)alert["id"]!}/acknowledge", null)).ExpectAsync(HttpStatusCode.NoContent);
        var open = await (await Operator.GetAsync("/admin/alerts?open=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(open.AsArray(), a => (string?)a!["id"] == (string?)alert["id"]);
    }

    [Fact]
    public async Task EmergencyAccess_ShowsInThePatientsAccessLog()
    {
        var data = await SeedAsync();
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await (await doctor.SendAsync(HttpMethod.Post, $"Patient/{data.Patient}/$emergency-access", """{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"心肺停止で搬送"}]}""")).ExpectAsync(HttpStatusCode.OK);

        var account = await server.CreateAccountAsync("patient", server.OperatorCode, data.Patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);
        var log = await (await me.GetAsync("/me/access-log")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(log.AsArray(), e => (bool)e!["emergency"]! && (string?)e["reason"] == "心肺停止で搬送" && (string?)e["jobType"] == "doctor");
    }
}

public sealed class SqliteConsentTests(SqliteServerFixture server) : ConsentContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresConsentTests(PostgresServerFixture server) : ConsentContract(server), IClassFixture<PostgresServerFixture>;
