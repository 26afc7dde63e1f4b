using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>The asynchronous flows: qualification uploads (CSV, NDJSON) and bulk pre-checks.</summary>
public abstract class BulkContract(ServerFixture server)
{
    private const string Header = "insurer_number,symbol,number,branch,birth_date,family_name,given_name,family_name_kana,given_name_kana,sex,relationship,valid_from,valid_until,copay_percent,public_payer_number,public_recipient_number,public_valid_from,card_issuer,card_serial";

    private HttpClient Admin => server.Client;

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string body, string mediaType)
    {
        using var content = new StringContent(body, Encoding.UTF8, mediaType);
        return await client.PostAsync("/eligibility/uploads", content);
    }

    /// <summary>Waits for the job to finish (the worker runs it in the background) and returns it with its rows.</summary>
    private static async Task<JsonNode> FinishedAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var job = await (await client.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
            if ((string?)job["status"] is "completed" or "failed")
            {
                return job;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The job did not finish in 60 s: " + location);
    }

    private static async Task<string> AcceptedAsync(HttpResponseMessage response)
    {
        var body = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", (string?)body["status"]);
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task UploadCsv_AppliesRowByRow_AndReportsEachRefusedRowWithItsLine()
    {
        var insurerClient = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(insurerClient);
        var code = insurerClient.OrganizationCode;
        var (n1, n2, n3, n4) = (NewNumber(), NewNumber(), NewNumber(), NewNumber());
        var card = TestCards.Issue();
        var bad = code[..7] + (char)('0' + ((code[7] - '0' + 1) % 10));
        var csv = new StringBuilder().AppendLine(Header)
            .AppendLine(CultureInfo.InvariantCulture, $"{code},記号,{n1},00,1975-05-05,佐藤,一郎,サトウ,イチロウ,male,1,2021-04-01,,30,{WithCheckDigit("5413001")},{WithCheckDigit("112233")},2025-01-01,\"{card.Issuer}\",{card.SerialHex}")
            .AppendLine(CultureInfo.InvariantCulture, $"{code},記号,{n2},01,2010-10-10,佐藤,花,サトウ,ハナ,female,2,2021-04-01,,20,,,,,")
            .AppendLine(CultureInfo.InvariantCulture, $"{bad},記号,{n3},00,1980-01-01,鈴木,次郎,,,male,1,2021-04-01,,30,,,,,")
            .AppendLine(CultureInfo.InvariantCulture, $"{code},記号,{n4},1,1980-01-01,鈴木,三郎,,,male,1,2021-04-01,,30,,,,,")
            .ToString();

        var job = await FinishedAsync(insurer, await AcceptedAsync(await UploadAsync(insurer, csv, "text/csv")));

        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal((4, 2, 2), ((int)job["total"]!, (int)job["succeeded"]!, (int)job["failed"]!));
        var rows = job["rows"]!.AsArray();
        Assert.Equal([3, 4], rows.Select(r => (int)r!["row"]!));
        Assert.Equal(4, (int)rows[0]!["detail"]!["line"]!);
        Assert.Contains("check digit", rows[0]!["detail"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("leading zero", rows[1]!["detail"]!.ToJsonString(), StringComparison.Ordinal);

        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var byCard = await (await CheckAsync(clerk, CardCheck(card))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("valid", (string?)byCard["status"]);
        Assert.Equal("佐藤 一郎", (string?)byCard["patient"]!["name"]);
        Assert.Equal(WithCheckDigit("112233"), (string?)byCard["publicExpenses"]![0]!["recipientNumber"]);
        var child = await (await CheckAsync(clerk, InsuranceCardCheck(new Insured("", "", code, "記号", n2, "01", "2010-10-10")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(20, (int)child["qualification"]!["copayPercent"]!);
        var refused = await (await CheckAsync(clerk, InsuranceCardCheck(new Insured("", "", code, "記号", n4, "01", "1980-01-01")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("not-found", (string?)refused["status"]);
    }

    [Fact]
    public async Task UploadCsv_TheSameInsuredNumberAgain_UpdatesTheQualificationAndPerson()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var number = NewNumber();
        var first = $"{Header}\n{insurer},,{number},00,1950-03-03,高橋,正,,,male,1,2015-04-01,,30,,,,,\n";
        var second = $"{Header}\n{insurer},,{number},00,1950-03-03,高橋,正志,,,male,1,2015-04-01,,20,,,,,\n";
        await FinishedAsync(Admin, await AcceptedAsync(await UploadAsync(Admin, first, "text/csv")));
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var before = await (await CheckAsync(clerk, InsuranceCardCheck(new Insured("", "", insurer, "", number, "00", "1950-03-03")))).ExpectAsync(HttpStatusCode.OK);

        var job = await FinishedAsync(Admin, await AcceptedAsync(await UploadAsync(Admin, second, "text/csv")));
        var after = await (await CheckAsync(clerk, InsuranceCardCheck(new Insured("", "", insurer, "", number, "00", "1950-03-03")))).ExpectAsync(HttpStatusCode.OK);

        Assert.True((int)job["succeeded"]! == 1, job.ToJsonString());
        Assert.Equal((string?)before["qualification"]!["coverage"], (string?)after["qualification"]!["coverage"]);
        Assert.Equal((string?)before["patient"]!["id"], (string?)after["patient"]!["id"]);
        Assert.Equal(20, (int)after["qualification"]!["copayPercent"]!);
        Assert.Equal("高橋 正志", (string?)after["patient"]!["name"]);
    }

    [Fact]
    public async Task UploadNdjson_WritesPatientsAndCoverages_ARaceLosingRowFailsAlone()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var patientId = "elig-" + Guid.NewGuid().ToString("N");
        var member = $"{insurer}::{NewNumber()}:00";
        var patient = JsonNode.Parse(PatientJson("伊藤", id: patientId))!.ToJsonString();
        var coverage = Coverage(patientId, member);
        var duplicate = Coverage(patientId, member);
        duplicate["id"] = "elig-dup-" + Guid.NewGuid().ToString("N");
        var ndjson = string.Join('\n', patient, coverage.ToJsonString(), duplicate.ToJsonString(), """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", "{not json");

        var job = await FinishedAsync(Admin, await AcceptedAsync(await UploadAsync(Admin, ndjson, "application/fhir+ndjson")));

        Assert.Equal((5, 2, 3), ((int)job["total"]!, (int)job["succeeded"]!, (int)job["failed"]!));
        var rows = job["rows"]!.AsArray();
        Assert.Equal([3, 4, 5], rows.Select(r => (int)r!["row"]!));
        Assert.Equal(409, (int)rows[0]!["detail"]!["status"]!);
        Assert.Contains("already registered", rows[0]!["detail"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Observation", rows[1]!["detail"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{patientId}"));
    }

    [Fact]
    public async Task Upload_UnreadableFileOrWrongCaller_IsRefusedAtOnce()
    {
        await (await UploadAsync(Admin, "insurer_number,number,colour\n", "text/csv")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await UploadAsync(Admin, "insurer_number,symbol\n", "text/csv")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await UploadAsync(Admin, "{}", "application/json")).ExpectOutcomeAsync(HttpStatusCode.UnsupportedMediaType);
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        await (await UploadAsync(clerk, Header + "\n", "text/csv")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UploadByInsurer_OtherInsurersRowsAreRefused()
    {
        var insurerClient = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(insurerClient);
        var other = await CreateInsurerAsync(Admin);
        var csv = $"{Header}\n{other},,{NewNumber()},00,1970-01-01,木村,拓,,,male,1,2020-01-01,,30,,,,,\n";

        var job = await FinishedAsync(insurer, await AcceptedAsync(await UploadAsync(insurer, csv, "text/csv")));

        Assert.Equal(1, (int)job["failed"]!);
        Assert.Equal(403, (int)job["rows"]![0]!["detail"]!["status"]!);
    }

    [Fact]
    public async Task Precheck_ReturnsAReceptionNumber_ThenEachPatientsAnswer_ToTheSameInstitutionOnly()
    {
        var insured = await RegisterAsync(Admin, await CreateInsurerAsync(Admin));
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        using var otherClinic = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        var items = new JsonArray(
            InsuranceCardCheck(insured, "2026-02-01").Also(o => o["reference"] = "appt-1"),
            InsuranceCardCheck(insured with { Number = NewNumber() }).Also(o => o["reference"] = "appt-2"),
            InsuranceCardCheck(insured, branch: "1").Also(o => o["reference"] = "appt-3"),
            CardCheck(TestCards.Issue()).Also(o => o["reference"] = "appt-4"));
        var submitted = await clerk.SendAsync(HttpMethod.Post, "/eligibility/prechecks", new JsonObject { ["items"] = items }.ToJsonString(), mediaType: "application/json");
        var location = await AcceptedAsync(submitted);

        var job = await FinishedAsync(clerk, location);

        Assert.Equal((4, 2, 2), ((int)job["total"]!, (int)job["succeeded"]!, (int)job["failed"]!));
        var rows = job["rows"]!.AsArray();
        Assert.Equal(["valid", "not-found", "error", "error"], rows.Select(r => (string)r!["outcome"]!));
        Assert.Equal("appt-1", (string?)rows[0]!["detail"]!["reference"]);
        Assert.Equal(insured.PatientId, (string?)rows[0]!["detail"]!["patient"]!["id"]);
        Assert.Equal("appt-3", (string?)rows[2]!["detail"]!["reference"]);
        Assert.Contains("leading zero", rows[2]!["detail"]!.ToJsonString(), StringComparison.Ordinal);
        await (await otherClinic.GetAsync(location)).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var audit = await (await Admin.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + insured.PatientId)}&count=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), e => (string?)e!["record"]!["interaction"] == "eligibility-precheck");
        Assert.Contains(audit.AsArray(), e => (string?)e!["record"]!["interaction"] == "eligibility-precheck-results");
    }

    [Fact]
    public async Task Precheck_EmptyOrByInsurer_IsRefused()
    {
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        await (await clerk.SendAsync(HttpMethod.Post, "/eligibility/prechecks", """{"items":[]}""", mediaType: "application/json")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        using var insurer = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        await (await insurer.SendAsync(HttpMethod.Post, "/eligibility/prechecks", """{"items":[{"insuranceCard":{}}]}""", mediaType: "application/json")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject node, Action<JsonObject> change)
    {
        change(node);
        return node;
    }
}

public sealed class SqliteBulkTests(SqliteServerFixture server) : BulkContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBulkTests(PostgresServerFixture server) : BulkContract(server), IClassFixture<PostgresServerFixture>;
