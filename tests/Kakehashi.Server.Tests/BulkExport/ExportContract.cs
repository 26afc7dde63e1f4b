using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Server.BulkExport;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.BulkExport;

/// <summary>
/// FHIR Bulk Data export: kick-off, polling, manifest, NDJSON files, cancel — and the same
/// narrowing as search: a doctor's export holds only what that doctor may see, nobody else
/// reaches a job or its files, and every kick-off and download is audited.
/// </summary>
public abstract class ExportContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private static Action<HttpRequestMessage> RespondAsync => r => r.Headers.Add("Prefer", "respond-async");

    /// <summary>Kicks an export off and returns its status URL.</summary>
    private static async Task<string> KickOffAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(HttpMethod.Get, url, configure: RespondAsync);
        await response.ExpectAsync(HttpStatusCode.Accepted);
        var location = response.Content.Headers.ContentLocation?.ToString()
                       ?? (response.Headers.TryGetValues("Content-Location", out var values) ? values.First() : null);
        Assert.NotNull(location);
        Assert.StartsWith(ServerFixture.BaseUrl + "/$export-poll/", location);
        return location;
    }

    /// <summary>Polls until the manifest (202 with X-Progress meanwhile).</summary>
    private static async Task<JsonNode> ManifestAsync(HttpClient client, string status)
    {
        for (var i = 0; i < 600; i++)
        {
            var response = await client.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.True(response.Headers.Contains("X-Progress"));
                await Task.Delay(100);
                continue;
            }

            var manifest = await response.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return manifest;
        }

        throw new TimeoutException("The export did not finish in a minute.");
    }

    /// <summary>Every resource of every file of the manifest, read with the caller's token.</summary>
    private static async Task<List<JsonNode>> DownloadAsync(HttpClient client, JsonNode manifest)
    {
        Assert.True((bool)manifest["requiresAccessToken"]!);
        var resources = new List<JsonNode>();
        foreach (var output in manifest["output"]!.AsArray())
        {
            var response = await client.GetAsync((string)output!["url"]!);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType?.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((int)output["count"]!, lines.Length);
            foreach (var line in lines)
            {
                var resource = JsonNode.Parse(line)!;
                Assert.Equal((string?)output["type"], (string?)resource["resourceType"]);
                resources.Add(resource);
            }
        }

        return resources;
    }

    private static HashSet<string> Keys(IEnumerable<JsonNode> resources) =>
        [.. resources.Select(r => (string)r["resourceType"]! + "/" + (string)r["id"]!)];

    private async Task<(string Patient, string Observation)> PatientWithObservationAsync(HttpClient? writer = null)
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson(Unique("出力"))))["id"]!;
        var observation = (string)(await (writer ?? Operator).CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"HbA1c"},"subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;
        return (patient, observation);
    }

    [Fact]
    public async Task SystemExport_GivesNdjsonPerType_AndIsAudited()
    {
        var data = await PatientWithObservationAsync();
        var status = await KickOffAsync(Operator, "$export?_type=Patient,Observation&_outputFormat=application/fhir%2Bndjson");
        var manifest = await ManifestAsync(Operator, status);

        Assert.NotNull((string?)manifest["transactionTime"]);
        Assert.EndsWith("$export?_type=Patient,Observation&_outputFormat=application/fhir%2Bndjson", (string?)manifest["request"]);
        Assert.Empty(manifest["error"]!.AsArray());
        Assert.Equal(["Observation", "Patient"], manifest["output"]!.AsArray().Select(o => (string)o!["type"]!).Distinct().Order(StringComparer.Ordinal));
        var keys = Keys(await DownloadAsync(Operator, manifest));
        Assert.Contains("Patient/" + data.Patient, keys);
        Assert.Contains("Observation/" + data.Observation, keys);

        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + data.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["interaction"] == "export-file" && (int)r["record"]!["outcome"]! == 200);
        var all = await (await Operator.GetAsync($"/admin/audit?agent={Uri.EscapeDataString(server.SystemClient.ClientId)}&count=500")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(all.AsArray(), r => (string?)r!["record"]!["interaction"] == "export" && (int)r["record"]!["outcome"]! == 202);
    }

    [Fact]
    public async Task ADoctorsExport_HoldsOnlyWhatThatDoctorMaySee()
    {
        var consented = await PatientWithObservationAsync();
        var other = await PatientWithObservationAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await TestConsents.GrantAsync(Operator, consented.Patient, doctorClient.OrganizationCode, "clinical-items");
        // What the doctor's hospital wrote itself about the other patient stays visible to it.
        var own = (string)(await doctor.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"血圧"},"subject":{"reference":"Patient/{{{other.Patient}}}"}}"""))["id"]!;

        var status = await KickOffAsync(doctor, "Patient/$export?_type=Observation");
        var keys = Keys(await DownloadAsync(doctor, await ManifestAsync(doctor, status)));
        Assert.Contains("Observation/" + consented.Observation, keys);
        Assert.Contains("Observation/" + own, keys);
        Assert.DoesNotContain("Observation/" + other.Observation, keys);

        // The same doctor's search agrees with the export.
        var search = await (await doctor.GetAsync($"Observation?_id={consented.Observation},{other.Observation},{own}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { consented.Observation, own }.Order(StringComparer.Ordinal), search["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!).Order(StringComparer.Ordinal));

        // A type the doctor may not search cannot be exported.
        await (await doctor.SendAsync(HttpMethod.Get, "$export?_type=Claim", configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task APatientsExport_HoldsTheirOwnRecordOnly()
    {
        var mine = await PatientWithObservationAsync();
        var theirs = await PatientWithObservationAsync();
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, mine.Patient);
        var (token, _) = await server.LoginAsync(account, "patient/*.rs");
        using var me = server.CreateClientWithToken(token);

        var status = await KickOffAsync(me, "Patient/$export");
        var keys = Keys(await DownloadAsync(me, await ManifestAsync(me, status)));
        Assert.Contains("Patient/" + mine.Patient, keys);
        Assert.Contains("Observation/" + mine.Observation, keys);
        Assert.DoesNotContain("Patient/" + theirs.Patient, keys);
        Assert.DoesNotContain("Observation/" + theirs.Observation, keys);

        // Only the patient's own export: not the system's, not a Group's.
        await (await me.SendAsync(HttpMethod.Get, "$export", configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnotherOrganization_CannotReachAJobOrItsFiles()
    {
        await PatientWithObservationAsync();
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        using var intruder = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var status = await KickOffAsync(doctor, "Patient/$export?_type=Patient");
        var manifest = await ManifestAsync(doctor, status);
        var file = (string)manifest["output"]![0]!["url"]!;

        var missing = status[..(status.LastIndexOf('/') + 1)] + Guid.NewGuid().ToString("N");
        var hidden = await (await intruder.GetAsync(status)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(await (await intruder.GetAsync(missing)).ExpectOutcomeAsync(HttpStatusCode.NotFound), hidden);
        await (await intruder.GetAsync(file)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await intruder.DeleteAsync(status)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await server.CreateAnonymousClient().GetAsync(file)).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);

        // The owner still has it, and the refused download is in the audit trail.
        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync(file)).StatusCode);
        var audit = await (await Operator.GetAsync("/admin/audit?count=500")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["interaction"] == "export-file" && (int)r["record"]!["outcome"]! == 404);
    }

    [Fact]
    public async Task Since_AndGroup_LimitTheExport()
    {
        var member = await PatientWithObservationAsync();
        var outsider = await PatientWithObservationAsync();
        var group = (string)(await Operator.CreateAsync($$$"""{"resourceType":"Group","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{member.Patient}}}"}}]}"""))["id"]!;
        var byGroup = Keys(await DownloadAsync(Operator, await ManifestAsync(Operator, await KickOffAsync(Operator, $"Group/{group}/$export?_type=Observation,Patient"))));
        Assert.Equal(["Observation/" + member.Observation, "Patient/" + member.Patient], byGroup.Order(StringComparer.Ordinal));

        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var later = await PatientWithObservationAsync();
        var sinceText = Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var recent = Keys(await DownloadAsync(Operator, await ManifestAsync(Operator, await KickOffAsync(Operator, $"$export?_type=Observation&_since={sinceText}"))));
        Assert.Contains("Observation/" + later.Observation, recent);
        Assert.DoesNotContain("Observation/" + outsider.Observation, recent);
    }

    [Fact]
    public async Task BadKickOffs_AreRefusedWithAnOperationOutcome_AndQueueNothing()
    {
        await (await Operator.GetAsync("$export?_type=Patient")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        foreach (var query in new[] { "_type=Patient,NoSuchType", "_outputFormat=text/csv", "_since=yesterday", "_typeFilter=Patient%3Factive%3Dtrue", "color=blue" })
        {
            await (await Operator.SendAsync(HttpMethod.Get, "$export?" + query, configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        }

        await (await Operator.SendAsync(HttpMethod.Get, $"Group/{Guid.NewGuid()}/$export", configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "hospital"));
        await (await clerk.SendAsync(HttpMethod.Get, "Patient/$export?_type=Condition", configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var narrowed = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital", "system/Observation.rs?category=laboratory"));
        await (await narrowed.SendAsync(HttpMethod.Get, "$export?_type=Observation", configure: RespondAsync)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Delete_CancelsTheJob_AndAJobLeftByAStoppedServerIsResumed()
    {
        var data = await PatientWithObservationAsync();
        var cancelled = await KickOffAsync(Operator, "$export?_type=Observation");
        await (await Operator.DeleteAsync(cancelled)).ExpectAsync(HttpStatusCode.Accepted);
        await (await Operator.GetAsync(cancelled)).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // A job a stopped server was running (its lease expired, nothing written yet) is taken over and finished.
        var status = await KickOffAsync(Operator, "Patient/$export?_type=Observation");
        await ManifestAsync(Operator, status);
        var id = status[(status.LastIndexOf('/') + 1)..];
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenConnectionAsync(CancellationToken.None))
        {
            await using var files = SqlCommands.Create(connection, null, "DELETE FROM export_files WHERE job_id = @p0", id);
            await files.ExecuteNonQueryAsync();
            await using var job = SqlCommands.Create(connection, null,
                "UPDATE export_jobs SET status = 'running', lease_until = 1, cursor_type = '', cursor_id = '', exported = 0 WHERE id = @p0", id);
            Assert.Equal(1, await job.ExecuteNonQueryAsync());
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Operator.GetAsync(status)).StatusCode);
        server.Services.GetRequiredService<ExportWorker>().Wake();
        var keys = Keys(await DownloadAsync(Operator, await ManifestAsync(Operator, status)));
        Assert.Contains("Observation/" + data.Observation, keys);
    }
}

public sealed class SqliteExportTests(SqliteServerFixture server) : ExportContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresExportTests(PostgresServerFixture server) : ExportContract(server), IClassFixture<PostgresServerFixture>;
