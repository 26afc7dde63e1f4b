using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Authorization decides on what runs, not on the request's shape (docs/security/authorization.md):
/// Bundle entries, conditional matches, scope parameters, every hop of a chain and every write
/// pass the same decision, and consent binding is closed by default. Attack cases 64–74.
/// </summary>
public abstract class ExecutedAccessContract(ServerFixture server)
{
    private const string MemberIdSystem = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";

    private HttpClient Operator => server.Client;

    private static string ConditionJson(string subject, string code) =>
        $$$"""{"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"subject":{{{subject}}},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"{{{code}}}"}]}}""";

    private static string Subject(string patient) => $$"""{"reference":"Patient/{{patient}}"}""";

    private static string Transaction(params string[] entries) =>
        $$"""{"resourceType":"Bundle","type":"transaction","entry":[{{string.Join(",", entries)}}]}""";

    private static string PostEntry(string url, string resource) => $$$"""{"resource":{{{resource}}},"request":{"method":"POST","url":"{{{url}}}"}}""";

    private static IEnumerable<string> MatchIds(JsonNode bundle) =>
        bundle["entry"]?.AsArray().Where(e => (string?)e!["search"]?["mode"] == "match").Select(e => (string)e!["resource"]!["id"]!) ?? [];

    private async Task<string> PatientAsync(HttpClient? client = null) => (string)(await (client ?? Operator).CreateAsync(PatientJson(Unique("攻撃"))))["id"]!;

    [Fact]
    public async Task TransactionEntries_RunOnlyAsTheInteractionTheyName_AndAreAuthorizedAsIt()
    {
        // 64: a doctor refused POST Consent directly tries entry URLs the old guard could not classify.
        var patient = await PatientAsync();
        var code = Unique("B");
        var condition = (string)(await Operator.CreateAsync(ConditionJson(Subject(patient), code)))["id"]!;
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        var consent = TestConsents.Json(patient, doctorClient.OrganizationCode, ["clinical-items"], DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await (await doctor.SendAsync(HttpMethod.Post, "Consent", consent)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        foreach (var url in (string[])["Consent/a/b", "Consent/_search", "Consent/_history", "Consent/x/_history", "Consent/x/_history/1", "Consent/$nothing/x/y"])
        {
            var answer = await doctor.SendAsync(HttpMethod.Post, "", Transaction(PostEntry(url, consent)));
            Assert.True(answer.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"POST {url} answered {(int)answer.StatusCode}");
        }

        // The plain entry is refused like the direct request, and nothing was stored by any attempt.
        await (await doctor.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Consent", consent)))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(Operator, $"Consent?patient=Patient/{patient}"));
        await (await doctor.GetAsync($"Condition/{condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // A resource posted to a search URL is a 400, not a create (even for the operator).
        await (await Operator.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Observation/_search", """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""")))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        // A researcher, a pharmacist and a narrowed token cannot create what they may not create directly.
        using var researcher = server.CreateClient(await server.RegisterClientAsync("researcher", "research-body"));
        await (await researcher.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Observation/_history", $$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{{{Subject(patient)}}}}""")))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        using var pharmacist = server.CreateClient(await server.RegisterClientAsync("pharmacist", "pharmacy"));
        await (await pharmacist.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("MedicationRequest", $$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{{{Subject(patient)}}},"medicationCodeableConcept":{"text":"x"}}""")))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var narrowed = server.CreateClient(server.SystemClient, "system/Patient.rs");
        await (await narrowed.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Patient/x/_history", PatientJson("狭い"))))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await narrowed.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Patient", PatientJson("狭い"))))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(Operator, $"Observation?patient=Patient/{patient}"));
        Assert.Equal(0, await CountAsync(Operator, "Patient?family=狭い"));
    }

    [Fact]
    public async Task ConditionalUpdate_ThatMatchesNothing_NeverTakesOverAnExistingId()
    {
        // 65: hospital B aims a conditional update that matches nothing at hospital A's hidden diagnosis.
        var patient = await PatientAsync();
        using var a = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        using var b = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var condition = (string)(await a.CreateAsync(ConditionJson(Subject(patient), "E11")))["id"]!;
        var takeover = JsonNode.Parse(ConditionJson(Subject(patient), "Z99"))!;
        takeover["id"] = condition;

        var missingId = Guid.NewGuid().ToString();
        var hidden = await (await b.SendAsync(HttpMethod.Put, "Condition?identifier=urn:none|x", takeover.ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.Conflict);
        Assert.Contains(condition, hidden, StringComparison.Ordinal);
        var viaTransaction = $$$"""{"resource":{{{takeover.ToJsonString()}}},"request":{"method":"PUT","url":"Condition?identifier=urn:none|x"}}""";
        await (await b.SendAsync(HttpMethod.Post, "", Transaction(viaTransaction))).ExpectOutcomeAsync(HttpStatusCode.Conflict);

        var own = await (await a.GetAsync($"Condition/{condition}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)own["meta"]!["versionId"]);
        Assert.Equal("E11", (string?)own["code"]!["coding"]![0]!["code"]);
        await (await b.GetAsync($"Condition/{condition}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // The same between insurers, and a free id still works as update-as-create.
        using var insurer1 = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        using var insurer2 = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        var insured = await CreatePatientAsync(insurer1);
        await (await insurer2.SendAsync(HttpMethod.Put, $"Patient?_id={insured}", PatientJson("乗っ取り", id: insured))).ExpectOutcomeAsync(HttpStatusCode.Conflict);
        Assert.Equal("1", (string?)(await (await insurer1.GetAsync($"Patient/{insured}")).ExpectAsync(HttpStatusCode.OK))["meta"]!["versionId"]);
        var fresh = Guid.NewGuid().ToString();
        await (await insurer2.SendAsync(HttpMethod.Put, $"Patient?_id={fresh}", PatientJson("新規", id: fresh))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AdminApi_RegistersOnlyJobTypesTheOrganizationEmploys()
    {
        // 66: research bodies, insurers and municipalities have no doctors, nurses or pharmacists.
        foreach (var (kind, role) in (ValueTuple<string, string>[])[("research-body", "doctor"), ("insurer", "nurse"), ("municipality", "pharmacist"), ("pharmacy", "doctor")])
        {
            var code = await server.CreateOrganizationAsync(kind);
            using var key = new TestSystemClient(Unique(role), code, role, "system/*.rs");
            var client = await Operator.PostAsJsonAsync("/admin/clients", new { clientId = key.ClientId, organizationCode = code, role, jwks = key.Jwks, scopes = key.Scopes });
            Assert.Equal(HttpStatusCode.BadRequest, client.StatusCode);
            var account = await Operator.PostAsJsonAsync("/admin/accounts", new { username = Unique(role), organizationCode = code, jobType = role, password = "pw-" + Guid.NewGuid().ToString("N") });
            Assert.Equal(HttpStatusCode.BadRequest, account.StatusCode);
        }

        // One registered before the check existed is refused on every request.
        var research = await server.CreateOrganizationAsync("research-body");
        using var legacy = new TestSystemClient(Unique("legacy"), research, "doctor", "system/*.rs");
        var store = server.Services.GetRequiredService<SecurityStore>();
        await store.AddClientAsync(new RegisteredClient(legacy.ClientId, research, "doctor", "legacy", legacy.Jwks, null, legacy.Scopes, null, store.Now, null, null, null), CancellationToken.None);
        using var http = server.CreateClient(legacy);
        var patient = await PatientAsync();
        await (await http.GetAsync($"Patient/{patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NarrowedScopeParameters_AreAuthorizedLikeRequestParameters()
    {
        // 67: a municipality's scope narrowed by _has on diagnoses is no diagnosis oracle.
        var patient = await PatientAsync();
        var code = Unique("B");
        await Operator.CreateAsync(ConditionJson(Subject(patient), code));
        const string Oracle = "system/Patient.rs?_has:Condition:patient:code=";
        var municipalClient = await server.RegisterClientAsync("municipal-staff", "municipality", "system/Patient.rs");
        using var municipal = server.CreateClient(municipalClient, Oracle + code);
        await (await municipal.GetAsync($"Condition?code={code}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await municipal.GetAsync($"Patient?_id={patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await municipal.GetAsync($"Patient/{patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // A plain narrowing works, and the audit trail records the query that ran.
        var plain = await server.RegisterClientAsync("municipal-staff", "municipality", "system/Patient.rs");
        using var http = server.CreateClient(plain, "system/Patient.rs?gender=male");
        Assert.Equal([patient], MatchIds(await (await http.GetAsync($"Patient?_id={patient}")).ExpectAsync(HttpStatusCode.OK)));
        var rows = (await (await Operator.GetAsync($"/admin/audit?agent={Uri.EscapeDataString(plain.ClientId)}&count=10")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(rows, r => ((string?)r!["record"]!["query"] ?? "").Contains("gender=male", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConsentBinding_IsClosedByDefault_AndPlacesPatientsNamedByUrlOrIdentifier()
    {
        // 68: care plans, orders, specimens, appointments and binaries are patient data too.
        var member = Unique("00012345:あいう:");
        var patientJson = JsonNode.Parse(PatientJson(Unique("既定")))!;
        patientJson["identifier"]!.AsArray().Add(new JsonObject { ["system"] = MemberIdSystem, ["value"] = member });
        var patient = (string)(await Operator.CreateAsync(patientJson.ToJsonString()))["id"]!;
        var subject = Subject(patient);
        var hidden = new Dictionary<string, string>
        {
            ["CarePlan"] = (string)(await Operator.CreateAsync($$$"""{"resourceType":"CarePlan","status":"active","intent":"plan","subject":{{{subject}}},"description":"HIV 治療計画"}"""))["id"]!,
            ["ServiceRequest"] = (string)(await Operator.CreateAsync($$$"""{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{{{subject}}},"code":{"text":"CD4"}}"""))["id"]!,
            ["Specimen"] = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Specimen","subject":{{{subject}}}}"""))["id"]!,
            ["Appointment"] = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Appointment","status":"booked","participant":[{"actor":{{{subject}}},"status":"accepted"}],"reasonCode":[{"text":"HIV"}]}"""))["id"]!,
            ["Binary"] = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Binary","contentType":"text/plain","securityContext":{{{subject}}},"data":"SElW"}"""))["id"]!,
        };
        var byIdentifier = (string)(await Operator.CreateAsync(ConditionJson($$$"""{"identifier":{"system":"{{{MemberIdSystem}}}","value":"{{{member}}}"}}""", "B20")))["id"]!;
        var byUrl = (string)(await Operator.CreateAsync(ConditionJson($$"""{"reference":"{{ServerFixture.BaseUrl}}/Patient/{{patient}}"}""", "B20")))["id"]!;
        var unplaced = (string)(await Operator.CreateAsync(ConditionJson($$$"""{"identifier":{"system":"{{{MemberIdSystem}}}","value":"{{{Unique("nobody")}}}"}}""", "B20")))["id"]!;

        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        foreach (var (type, id) in hidden)
        {
            await (await doctor.GetAsync($"{type}/{id}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        }

        Assert.Empty(MatchIds(await (await doctor.GetAsync($"CarePlan?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK)));
        Assert.Empty(MatchIds(await (await doctor.GetAsync($"Patient/{patient}/CarePlan")).ExpectAsync(HttpStatusCode.OK)));
        foreach (var id in (string[])[byIdentifier, byUrl, unplaced])
        {
            await (await doctor.GetAsync($"Condition/{id}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        }

        // With consent, what was placed in the patient's compartment opens; what names nobody stays closed.
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "clinical-items", "treatment", "documents");
        foreach (var (type, id) in hidden)
        {
            await (await doctor.GetAsync($"{type}/{id}")).ExpectAsync(HttpStatusCode.OK);
        }

        await (await doctor.GetAsync($"Condition/{byIdentifier}")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Condition/{byUrl}")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Condition/{unplaced}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ResourcesStoredBeforePlacement_MoveToTheirPatient_AtTheNextStart()
    {
        // 74: a diagnosis naming its patient by identifier, stored as nobody's before migration 0015.
        var member = Unique("00012345:えお:");
        var patientJson = JsonNode.Parse(PatientJson(Unique("移行")))!;
        patientJson["identifier"]!.AsArray().Add(new JsonObject { ["system"] = MemberIdSystem, ["value"] = member });
        var patient = (string)(await Operator.CreateAsync(patientJson.ToJsonString()))["id"]!;
        var condition = (string)(await Operator.CreateAsync(ConditionJson($$$"""{"identifier":{"system":"{{{MemberIdSystem}}}","value":"{{{member}}}"}}""", "B20")))["id"]!;
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);

        var dialect = server.Services.GetRequiredService<SqlDialect>();
        foreach (var table in (string[])["resources", "resource_versions"])
        {
            await TestSql.ExecuteAsync(dialect, $"UPDATE {table} SET shard_key = @p0 WHERE resource_type = 'Condition' AND id = @p1", "Condition/" + condition, condition);
        }

        await (await doctor.GetAsync($"Condition/{condition}")).ExpectAsync(HttpStatusCode.OK);
        await TestSql.ExecuteAsync(dialect, "INSERT INTO compartment_refresh (resource_type) VALUES ('Condition') ON CONFLICT (resource_type) DO NOTHING");
        var refresh = server.Services.GetRequiredService<CompartmentRefresh>();
        Assert.True(await refresh.RunAsync(CancellationToken.None) >= 1);

        await (await doctor.GetAsync($"Condition/{condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "clinical-items");
        await (await doctor.GetAsync($"Condition/{condition}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Insurers_WriteOnlyForPatientsTheyCanSee_AndMissingLooksLikeHidden()
    {
        // 69: insurer 2 registers a qualification and a claim for insurer 1's insured person.
        var registration1 = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer1 = server.CreateClient(registration1);
        var patient = await CreatePatientAsync(insurer1);
        await insurer1.CreateAsync(Coverage(patient, $"{registration1.OrganizationCode}::{NewNumber()}:00").ToJsonString());
        var registration2 = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer2 = server.CreateClient(registration2);
        var missing = Guid.NewGuid().ToString();

        string Answer(string text, string id) => text.Replace(id, "ID", StringComparison.Ordinal);
        var coverageHidden = await (await insurer2.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, $"{registration2.OrganizationCode}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        var coverageMissing = await (await insurer2.SendAsync(HttpMethod.Post, "Coverage", Coverage(missing, $"{registration2.OrganizationCode}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(Answer(coverageMissing, missing), Answer(coverageHidden, patient));
        var eob = (string p) => Eob(p, registration2.OrganizationCode, ServerFixture.NewInstitutionCode(4), "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString();
        var eobHidden = await (await insurer2.SendAsync(HttpMethod.Post, "ExplanationOfBenefit", eob(patient))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        var eobMissing = await (await insurer2.SendAsync(HttpMethod.Post, "ExplanationOfBenefit", eob(missing))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(Answer(eobMissing, missing), Answer(eobHidden, patient));

        // Nothing was stored and the patient stays hidden from insurer 2.
        await (await insurer2.GetAsync($"Patient/{patient}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await CountAsync(Operator, $"Coverage?beneficiary=Patient/{patient}"));
        Assert.Equal(0, await CountAsync(Operator, $"ExplanationOfBenefit?patient=Patient/{patient}"));
    }

    [Fact]
    public async Task Chains_AreAuthorizedAtEveryHop()
    {
        // 70: a clerk may search encounters and appointments, not the diagnoses a second hop reaches.
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "hospital"));
        await (await clerk.GetAsync("Condition?code=B20")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Encounter?appointment.reason-reference:Condition.code=B20")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Encounter?appointment.reason-reference.code=B20")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Appointment?patient._has:Condition:patient:code=B20")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Patient?_has:Appointment:patient:_has:Encounter:appointment:reason-reference:Condition.code=B20")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        // A conditional write's criteria and If-None-Exist are searches too.
        await (await clerk.SendAsync(HttpMethod.Post, "Appointment", """{"resourceType":"Appointment","status":"proposed","participant":[{"status":"needs-action"}]}""",
            Header("If-None-Exist", "reason-reference:Condition.code=B20"))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await clerk.GetAsync("Encounter?appointment.status=booked")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TransactionMatches_AreAuthorizedAsTheSearchesTheyAre()
    {
        // 72: a conditional reference or If-None-Exist inside a transaction is a search of its type.
        var patient = await PatientAsync();
        var code = Unique("B");
        await Operator.CreateAsync(ConditionJson(Subject(patient), code));
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "hospital"));
        var appointment = $$$"""{"resourceType":"Appointment","status":"proposed","participant":[{"actor":{{{Subject(patient)}}},"status":"needs-action"}],"reasonReference":[{"reference":"Condition?code={{{code}}}"}]}""";
        await (await clerk.SendAsync(HttpMethod.Post, "", Transaction(PostEntry("Appointment", appointment)))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var ifNoneExist = $$$"""{"resource":{"resourceType":"Appointment","status":"proposed","participant":[{"status":"needs-action"}]},"request":{"method":"POST","url":"Appointment","ifNoneExist":"reason-reference:Condition.code={{{code}}}"}}""";
        await (await clerk.SendAsync(HttpMethod.Post, "", Transaction(ifNoneExist))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(Operator, $"Appointment?patient=Patient/{patient}"));
    }

    [Fact]
    public async Task ACompartmentSearch_KeepsTheNarrowingOfTheTypeItSearches()
    {
        // 73: system/Observation.rs?category=laboratory must not read vital signs through Patient/[id]/Observation.
        var patient = await PatientAsync();
        string Observation(string category) =>
            $$$"""{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"{{{category}}}"}]}],"code":{"text":"{{{category}}}"},"subject":{{{Subject(patient)}}}}""";
        var lab = (string)(await Operator.CreateAsync(Observation("laboratory")))["id"]!;
        await Operator.CreateAsync(Observation("vital-signs"));
        const string Scope = "system/Patient.rs system/Observation.rs?category=laboratory";
        using var narrowed = server.CreateClient(server.SystemClient, Scope);
        Assert.Equal([lab], MatchIds(await (await narrowed.GetAsync($"Patient/{patient}/Observation")).ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal([lab], MatchIds(await (await narrowed.GetAsync($"Observation?patient=Patient/{patient}")).ExpectAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Authorship_StaysWithTheCreator_NotTheLastWriter()
    {
        // 71: hospital B, with consent, patches hospital A's result; consent ends.
        var patient = await PatientAsync();
        using var a = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var bClient = await server.RegisterClientAsync("doctor", "hospital");
        using var b = server.CreateClient(bClient);
        var observation = (string)(await a.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"HbA1c"},"subject":{{{Subject(patient)}}}}"""))["id"]!;
        var nobodys = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"BMI"},"subject":{{{Subject(patient)}}}}"""))["id"]!;
        var consent = await TestConsents.GrantAsync(Operator, patient, bClient.OrganizationCode, "clinical-items");

        const string Patch = """[{"op":"replace","path":"/status","value":"amended"}]""";
        await (await b.SendAsync(new HttpMethod("PATCH"), $"Observation/{observation}", Patch, mediaType: "application/json-patch+json")).ExpectAsync(HttpStatusCode.OK);
        await (await b.SendAsync(new HttpMethod("PATCH"), $"Observation/{nobodys}", Patch, mediaType: "application/json-patch+json")).ExpectAsync(HttpStatusCode.OK);
        await (await Operator.SendAsync(HttpMethod.Delete, $"Consent/{consent}")).ExpectAsync(HttpStatusCode.NoContent);

        await (await a.GetAsync($"Observation/{observation}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, (await (await a.GetAsync($"Observation/{observation}/_history")).ExpectAsync(HttpStatusCode.OK))["entry"]!.AsArray().Count);
        await (await b.GetAsync($"Observation/{observation}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await b.GetAsync($"Observation/{observation}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await b.GetAsync($"Observation/{nobodys}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteExecutedAccessTests(SqliteServerFixture server) : ExecutedAccessContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresExecutedAccessTests(PostgresServerFixture server) : ExecutedAccessContract(server), IClassFixture<PostgresServerFixture>;
