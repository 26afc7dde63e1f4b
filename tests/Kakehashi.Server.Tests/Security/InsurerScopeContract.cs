using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// An insurer sees the patient data of its own insured persons and what it wrote, nothing of
/// another insurer's: through reads, searches, includes, history and writes by id.
/// </summary>
public abstract class InsurerScopeContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    private sealed record InsurerSide(TestSystemClient Registration, HttpClient Http, string Patient, string Coverage, string Claim) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    private async Task<InsurerSide> InsurerWithOneInsuredAsync()
    {
        var registration = await server.RegisterClientAsync("insurer-staff", "insurer");
        var http = server.CreateClient(registration);
        var patient = await CreatePatientAsync(http);
        var coverage = (string)(await http.CreateAsync(Coverage(patient, $"{registration.OrganizationCode}::{NewNumber()}:00").ToJsonString()))["id"]!;
        var claim = (string)(await http.CreateAsync(Eob(patient, registration.OrganizationCode, ServerFixture.NewInstitutionCode(4), "pharmacy", Drug(1, Carbocisteine, "2026-10-05")).ToJsonString()))["id"]!;
        return new InsurerSide(registration, http, patient, coverage, claim);
    }

    [Fact]
    public async Task AnInsurer_SeesItsInsured_AndNothingOfAnotherInsurers()
    {
        using var a = await InsurerWithOneInsuredAsync();
        using var b = await InsurerWithOneInsuredAsync();

        await (await a.Http.GetAsync($"Patient/{a.Patient}")).ExpectAsync(HttpStatusCode.OK);
        await (await a.Http.GetAsync($"ExplanationOfBenefit/{a.Claim}")).ExpectAsync(HttpStatusCode.OK);
        foreach (var hidden in (string[])[$"Patient/{b.Patient}", $"Coverage/{b.Coverage}", $"ExplanationOfBenefit/{b.Claim}", $"Patient/{b.Patient}/_history", $"Coverage/{b.Coverage}/_history/1"])
        {
            var answer = await a.Http.GetAsync(hidden);
            Assert.True(answer.StatusCode == HttpStatusCode.NotFound, $"{hidden} answered {(int)answer.StatusCode}");
        }

        Assert.Equal([a.Patient], Ids(await SearchAsync(a.Http, $"Patient?_id={a.Patient},{b.Patient}")));
        Assert.Equal(0, await CountAsync(a.Http, $"Coverage?beneficiary=Patient/{b.Patient}"));
        Assert.Equal(0, await CountAsync(a.Http, $"ExplanationOfBenefit?patient=Patient/{b.Patient}"));
        Assert.Equal(0, await CountAsync(a.Http, $"Coverage?beneficiary.birthdate=1980-04-01&_id={b.Coverage}"));
        var included = await SearchAsync(a.Http, $"Coverage?_id={a.Coverage},{b.Coverage}&_include=Coverage:beneficiary&_revinclude=ExplanationOfBenefit:patient");
        Assert.DoesNotContain(b.Patient, Ids(included));
        Assert.DoesNotContain(b.Coverage, Ids(included));
        Assert.Contains(a.Patient, Ids(included));
        var typeHistory = await (await a.Http.GetAsync("Patient/_history?_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(b.Patient, Ids(typeHistory));
    }

    [Fact]
    public async Task AnInsurer_CannotWriteAnotherInsurersDataById()
    {
        using var a = await InsurerWithOneInsuredAsync();
        using var b = await InsurerWithOneInsuredAsync();
        var before = await (await b.Http.GetAsync($"Patient/{b.Patient}")).ExpectAsync(HttpStatusCode.OK);

        var update = await a.Http.SendAsync(HttpMethod.Put, $"Patient/{b.Patient}", PatientJson("上書き", id: b.Patient));
        var delete = await a.Http.DeleteAsync($"Coverage/{b.Coverage}");
        var conditional = await a.Http.DeleteAsync($"ExplanationOfBenefit?_id={b.Claim}");

        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.True(conditional.IsSuccessStatusCode || conditional.StatusCode == HttpStatusCode.NotFound, $"conditional delete answered {(int)conditional.StatusCode}");
        var after = await (await b.Http.GetAsync($"Patient/{b.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)before["meta"]!["versionId"], (string?)after["meta"]!["versionId"]);
        await (await b.Http.GetAsync($"ExplanationOfBenefit/{b.Claim}")).ExpectAsync(HttpStatusCode.OK);
        await (await b.Http.GetAsync($"Coverage/{b.Coverage}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnInsurer_CannotSubmitACheckupForAnotherInsurersPatient_NorLearnTheirBirthDate()
    {
        using var a = await InsurerWithOneInsuredAsync();
        using var b = await InsurerWithOneInsuredAsync();
        var document = CheckupDocument(Guid.NewGuid().ToString(), "2026-06-01", ServerFixture.NewInstitutionCode(1), a.Registration.OrganizationCode, "1999-09-09", HbA1c(5.6m));

        var message = await (await a.Http.SendAsync(HttpMethod.Post, $"Patient/{b.Patient}/$submit-checkup", document.ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        Assert.DoesNotContain("1980", message, StringComparison.Ordinal);
        var own = await a.Http.SendAsync(HttpMethod.Post, $"Patient/{a.Patient}/$submit-checkup", document.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.StatusCode); // its own person: the birth-date mismatch is explained
    }

    [Fact]
    public async Task AQualificationCannotOpenAPatientTheInsurerCannotSee()
    {
        // Registering a Coverage once opened any Patient to the insurer (attack case 69): now an
        // insurer registers qualifications for the persons it registered, or already insures.
        var registration = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(registration);
        var patient = await CreatePatientAsync(Operator);
        await (await insurer.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.NotFound);

        await (await insurer.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, $"{registration.OrganizationCode}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        await (await insurer.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.NotFound);

        var own = await CreatePatientAsync(insurer);
        await insurer.CreateAsync(Coverage(own, $"{registration.OrganizationCode}::{NewNumber()}:00").ToJsonString());
        await (await insurer.GetAsync($"Patient/{own}")).ExpectAsync(HttpStatusCode.OK);
        var other = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        using (other)
        {
            await (await other.GetAsync($"Patient/{own}")).ExpectAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task WhatAnInsurerWrote_ItReadsBack_EvenBeforeAQualificationExists()
    {
        var registration = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(registration);
        var patient = await CreatePatientAsync(insurer);

        await (await insurer.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        var stored = await (await Operator.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(stored["meta"]!["tag"]!.AsArray(), t => (string?)t!["system"] == AuthorTagSystem && (string?)t["code"] == registration.OrganizationCode);
    }

    [Fact]
    public async Task AHospitalCannotLabelAPatientAsAnInsurers_ToOpenItToThatInsurer()
    {
        var registration = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(registration);
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var labelled = $$"""{"resourceType":"Patient","meta":{"tag":[{"system":"{{AuthorTagSystem}}","code":"{{registration.OrganizationCode}}"}]},"name":[{"family":"札付"}],"birthDate":"1970-01-01"}""";

        var patient = (string)(await doctor.CreateAsync(labelled))["id"]!;

        await (await insurer.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.NotFound);
        var stored = await (await Operator.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(stored["meta"]?["tag"]?.AsArray() ?? [], t => (string?)t!["system"] == AuthorTagSystem);
    }

    private const string AuthorTagSystem = "http://kakehashi.jp/fhir/CodeSystem/author-organization";

    private static async Task<JsonNode> SearchAsync(HttpClient client, string query) =>
        await (await client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);

    private static List<string> Ids(JsonNode bundle) =>
        [.. (bundle["entry"]?.AsArray() ?? []).Select(e => (string)e!["resource"]!["id"]!)];
}

public sealed class SqliteInsurerScopeTests(SqliteServerFixture server) : InsurerScopeContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresInsurerScopeTests(PostgresServerFixture server) : InsurerScopeContract(server), IClassFixture<PostgresServerFixture>;
