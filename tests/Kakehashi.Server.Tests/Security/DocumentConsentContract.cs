using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Stored FHIR documents (Bundles of type document: referral letters, discharge summaries) are
/// their patient's data: they sit in the compartment of their Composition's subject, so consent
/// (category <c>documents</c>) and the patient portal apply to them as to any other record.
/// </summary>
public abstract class DocumentConsentContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static string DocumentJson(string subjectReference, string identifier, string? patientEntry = null) => $$$"""
        {"resourceType":"Bundle","type":"document","identifier":{"system":"urn:test:document","value":"{{{identifier}}}"},"timestamp":"2026-11-25T10:00:00+09:00",
         "entry":[{"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Composition","status":"final",
           "type":{"coding":[{"system":"http://loinc.org","code":"57133-1"}]},"subject":{"reference":"{{{subjectReference}}}"},
           "date":"2026-11-25","author":[{"display":"紹介元医師"}],"title":"診療情報提供書"}}{{{patientEntry}}}]}
        """;

    private async Task<(string Patient, string Document, string Identifier)> SeedAsync(HttpClient? writer = null)
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("文書"))))["id"]!;
        var identifier = Unique("doc");
        var document = (string)(await (writer ?? Operator).CreateAsync(DocumentJson("Patient/" + patient, identifier)))["id"]!;
        return (patient, document, identifier);
    }

    private static IEnumerable<string> Ids(JsonNode bundle, string mode = "match") =>
        bundle["entry"]?.AsArray().Where(e => (string?)e!["search"]?["mode"] == mode).Select(e => (string)e!["resource"]!["id"]!) ?? [];

    [Fact]
    public async Task WithoutConsent_APatientsDocument_AnswersLikeOneThatDoesNotExist()
    {
        var data = await SeedAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);

        var missingId = Guid.NewGuid().ToString();
        var hidden = await (await doctor.GetAsync($"Bundle/{data.Document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var missing = await (await doctor.GetAsync($"Bundle/{missingId}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(missing.Replace(missingId, "ID", StringComparison.Ordinal), hidden.Replace(data.Document, "ID", StringComparison.Ordinal));
        await (await doctor.GetAsync($"Bundle/{data.Document}/_history")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await doctor.GetAsync($"Bundle/{data.Document}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var search = await (await doctor.GetAsync($"Bundle?identifier=urn:test:document|{data.Identifier}&_total=accurate")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Ids(search));
        Assert.Equal(0, (int)search["total"]!);

        // The doctor's own note pointing at the letter does not carry it in by _include.
        var note = (string)(await doctor.CreateAsync($$$"""
            {"resourceType":"Composition","status":"final","type":{"text":"メモ"},"subject":{"reference":"Patient/{{{data.Patient}}}"},"date":"2026-11-25",
             "author":[{"display":"自院医師"}],"title":"紹介状の確認","section":[{"entry":[{"reference":"Bundle/{{{data.Document}}}"}]}]}
            """))["id"]!;
        var include = await (await doctor.GetAsync($"Composition?_id={note}&_include=Composition:entry")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([note], Ids(include));
        Assert.Empty(Ids(include, "include"));

        // With the patient's consent for documents the same requests find it.
        await TestConsents.GrantAsync(Operator, data.Patient, doctorClient.OrganizationCode, "documents");
        await (await doctor.GetAsync($"Bundle/{data.Document}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([data.Document], Ids(await (await doctor.GetAsync($"Bundle?identifier=urn:test:document|{data.Identifier}")).ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal([data.Document], Ids(await (await doctor.GetAsync($"Composition?_id={note}&_include=Composition:entry")).ExpectAsync(HttpStatusCode.OK), "include"));

        // Another organization sees nothing, and the read is audited against the patient.
        using var otherDoctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        await (await otherDoctor.GetAsync($"Bundle/{data.Document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + data.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["agent"] == doctorClient.ClientId && (string?)r["record"]!["interaction"] == "read" && (int)r["record"]!["outcome"]! == 200);
    }

    [Fact]
    public async Task AnInstitution_SeesTheDocumentsItWrote()
    {
        var clinic = await server.RegisterClientAsync("doctor", "clinic");
        using var writer = server.CreateClient(clinic);
        var data = await SeedAsync(writer);
        await (await writer.GetAsync($"Bundle/{data.Document}")).ExpectAsync(HttpStatusCode.OK);
        using var other = server.CreateClient(await server.RegisterClientAsync("doctor", "clinic"));
        await (await other.GetAsync($"Bundle/{data.Document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ADocumentWhosePatientTheServerCannotName_IsNeverNobodys()
    {
        // A JP-CLINS style letter: the subject is a urn:uuid Patient inside the document.
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var entry = $$$""",{"fullUrl":"{{{patientUrn}}}","resource":{"resourceType":"Patient","name":[{"family":"牧野"}]}}""";
        var identifier = Unique("doc");
        var document = (string)(await Operator.CreateAsync(DocumentJson(patientUrn, identifier, entry)))["id"]!;
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);

        await (await doctor.GetAsync($"Bundle/{document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Empty(Ids(await (await doctor.GetAsync($"Bundle?identifier=urn:test:document|{identifier}")).ExpectAsync(HttpStatusCode.OK)));
        await (await Operator.GetAsync($"Bundle/{document}")).ExpectAsync(HttpStatusCode.OK);

        // A Bundle that is not a document belongs to nobody, as before.
        var collection = (string)(await Operator.CreateAsync("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Basic","code":{"text":"x"}}}]}"""))["id"]!;
        await (await doctor.GetAsync($"Bundle/{collection}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ThePatientPortal_ShowsOnlyThePatientsOwnDocuments()
    {
        var mine = await SeedAsync();
        var others = await SeedAsync();
        var collection = (string)(await Operator.CreateAsync("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Basic","code":{"text":"x"}}}]}"""))["id"]!;
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, mine.Patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);

        await (await me.GetAsync($"Bundle/{mine.Document}")).ExpectAsync(HttpStatusCode.OK);
        await (await me.GetAsync($"Bundle/{others.Document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await me.GetAsync($"Bundle/{collection}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var search = await (await me.GetAsync("Bundle?_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([mine.Document], Ids(search));
        Assert.Empty(Ids(await (await me.GetAsync($"Bundle?identifier=urn:test:document|{others.Identifier}")).ExpectAsync(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task DocumentsStoredBeforeTheRule_MoveToTheirPatient_AtTheNextStart()
    {
        var data = await SeedAsync();
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));

        // As a server before migration 0010 stored it: the document in a compartment of its own.
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await TestSql.ExecuteAsync(dialect, "UPDATE resources SET shard_key = @p0 WHERE resource_type = 'Bundle' AND id = @p1", "Bundle/" + data.Document, data.Document);
        await TestSql.ExecuteAsync(dialect, "UPDATE resource_versions SET shard_key = @p0 WHERE resource_type = 'Bundle' AND id = @p1", "Bundle/" + data.Document, data.Document);
        await (await doctor.GetAsync($"Bundle/{data.Document}")).ExpectAsync(HttpStatusCode.OK);

        // What migration 0010 schedules and the start runs.
        await TestSql.ExecuteAsync(dialect, "INSERT INTO compartment_refresh (resource_type) VALUES ('Bundle')");
        var refresh = server.Services.GetRequiredService<CompartmentRefresh>();
        Assert.True(await refresh.RunAsync(CancellationToken.None) >= 1);

        await (await doctor.GetAsync($"Bundle/{data.Document}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await doctor.GetAsync($"Bundle/{data.Document}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await refresh.RunAsync(CancellationToken.None));
    }
}

public sealed class SqliteDocumentConsentTests(SqliteServerFixture server) : DocumentConsentContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresDocumentConsentTests(PostgresServerFixture server) : DocumentConsentContract(server), IClassFixture<PostgresServerFixture>;
