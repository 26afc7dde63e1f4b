using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>Insurers register qualifications as JP Core Coverages: numbers checked, the insured number unique, My Number refused, cards linked by certificate.</summary>
public abstract class RegistrationContract(ServerFixture server)
{
    private HttpClient Admin => server.Client;

    [Fact]
    public async Task Register_Qualification_FillsInJpCoreParts()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer, branch: "01");

        var coverage = await (await Admin.GetAsync($"Coverage/{insured.CoverageId}")).ExpectAsync(HttpStatusCode.OK);
        var extensions = coverage["extension"]!.AsArray();
        Assert.Equal(insured.Number, Extension(extensions, "JP_Coverage_InsuredPersonNumber"));
        Assert.Equal("01", Extension(extensions, "JP_Coverage_InsuredPersonSubNumber"));
        Assert.Equal(insured.Symbol, Extension(extensions, "JP_Coverage_InsuredPersonSymbol"));
        Assert.Equal("01", (string?)coverage["dependent"]);
        Assert.Equal(insurer, (string?)coverage["payor"]![0]!["identifier"]!["value"]);
    }

    [Theory]
    [InlineData("wrong check digit", "06000019", "check digit")]
    [InlineData("seven digits", "0600001", "8 digits")]
    [InlineData("branch without its leading zero", null, "leading zero")]
    public async Task Register_BadNumber_Is422AndStoresNothing(string what, string? insurerNumber, string expected)
    {
        var insurer = await CreateInsurerAsync(Admin);
        var patient = await CreatePatientAsync(Admin);
        var number = NewNumber();
        var member = insurerNumber is null ? $"{insurer}:記号:{number}:1" : $"{insurerNumber}:記号:{number}:00";

        var message = await (await Admin.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, member).ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{patient}"));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public async Task Register_UnknownInsurer_Is422()
    {
        var patient = await CreatePatientAsync(Admin);
        var unknown = Kakehashi.Platform.Security.InstitutionCodes.WithCheckDigit("3999" + NewNumber()[^3..]);

        var message = await (await Admin.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, $"{unknown}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Unknown insurer", message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{patient}"));
    }

    [Fact]
    public async Task Register_SecondActiveCoverageWithTheSameInsuredNumber_Is409_EvenWrittenFullWidth()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var first = await RegisterAsync(Admin, insurer, symbol: "12-34");
        var other = await CreatePatientAsync(Admin);
        var fullWidth = $"{insurer}:１２－３４:{string.Concat(first.Number.Select(c => (char)(c - '0' + '０')))}:00";

        var message = await (await Admin.SendAsync(HttpMethod.Post, "Coverage", Coverage(other, fullWidth).ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.Conflict);

        Assert.Contains("Coverage/" + first.CoverageId, message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{other}"));
    }

    [Fact]
    public async Task Register_SameNumberAgain_AfterTheFirstIsCancelledOrDeleted()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var first = await RegisterAsync(Admin, insurer);
        var cancelled = Coverage(first.PatientId, first.Member, status: "cancelled");
        cancelled["id"] = first.CoverageId;
        await (await Admin.SendAsync(HttpMethod.Put, $"Coverage/{first.CoverageId}", cancelled.ToJsonString())).ExpectAsync(HttpStatusCode.OK);

        var second = (string)(await Admin.CreateAsync(Coverage(first.PatientId, first.Member).ToJsonString()))["id"]!;
        await (await Admin.DeleteAsync($"Coverage/{second}")).ExpectAsync(HttpStatusCode.NoContent);
        await Admin.CreateAsync(Coverage(first.PatientId, first.Member).ToJsonString());
    }

    [Fact]
    public async Task Register_MyNumber_IsRefusedOnPatientAndCoverage()
    {
        const string myNumber = "123456789018"; // 12 digits with a valid check digit
        var patient = await Admin.SendAsync(HttpMethod.Post, "Patient",
            $$"""{"resourceType":"Patient","identifier":[{"system":"urn:kakehashi:test","value":"{{myNumber}}"}],"birthDate":"1970-01-01"}""");
        Assert.Contains("My Number", await patient.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        var labelled = await Admin.SendAsync(HttpMethod.Post, "Patient",
            """{"resourceType":"Patient","identifier":[{"type":{"text":"マイナンバー"},"value":"x"}],"birthDate":"1970-01-01"}""");
        await labelled.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        var insurer = await CreateInsurerAsync(Admin);
        var owner = await CreatePatientAsync(Admin);
        var coverage = Coverage(owner, $"{insurer}::{NewNumber()}:00");
        coverage["identifier"]!.AsArray().Add(new JsonObject { ["system"] = "urn:example:ids", ["value"] = "1234 5678 9018" });
        await (await Admin.SendAsync(HttpMethod.Post, "Coverage", coverage.ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{owner}"));
        Assert.Equal(0, await CountAsync(Admin, $"Patient?identifier={myNumber}"));
    }

    [Fact]
    public async Task Register_PublicExpense_ChecksPayerAndRecipientNumbers()
    {
        var patient = await CreatePatientAsync(Admin);
        var payer = WithCheckDigit("5413001");
        var recipient = WithCheckDigit("123456");

        await Admin.CreateAsync(PublicExpense(patient, payer, recipient).ToJsonString());
        var badPayer = await (await Admin.SendAsync(HttpMethod.Post, "Coverage", PublicExpense(patient, "54130010", recipient).ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        var shortRecipient = await (await Admin.SendAsync(HttpMethod.Post, "Coverage", PublicExpense(patient, payer, "12345").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("公費負担者番号", badPayer, StringComparison.Ordinal);
        Assert.Contains("7 digits", shortRecipient, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(Admin, $"Coverage?beneficiary=Patient/{patient}"));
    }

    [Fact]
    public async Task InsurerStaff_RegistersOwnInsured_ButNotAnotherInsurers()
    {
        var insurerClient = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = server.CreateClient(insurerClient);
        var other = await CreateInsurerAsync(Admin);
        var patient = await CreatePatientAsync(insurer);

        await insurer.CreateAsync(Coverage(patient, $"{insurerClient.OrganizationCode}::{NewNumber()}:00").ToJsonString());
        var refused = await (await insurer.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, $"{other}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        Assert.Contains("own insured", refused, StringComparison.Ordinal);
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        await (await clerk.SendAsync(HttpMethod.Post, "Coverage", Coverage(patient, $"{other}::{NewNumber()}:00").ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task LinkCard_StoresOnlyTheCertificatesHash()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer);
        var card = TestCards.Issue();

        await LinkCardAsync(Admin, insured, card);

        var coverage = await (await Admin.GetAsync($"Coverage/{insured.CoverageId}")).ExpectAsync(HttpStatusCode.OK);
        var text = coverage.ToJsonString();
        Assert.Contains("urn:kakehashi:id:card-certificate-sha256", text, StringComparison.Ordinal);
        Assert.DoesNotContain(card.SerialHex, text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("2", (string?)coverage["meta"]!["versionId"]);
    }

    [Fact]
    public async Task LinkCard_ByIssuerAndSerialInTheCoverage_IsHashedTheSameWay()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var patient = await CreatePatientAsync(Admin);
        var card = TestCards.Issue();
        var coverage = Coverage(patient, $"{insurer}::{NewNumber()}:00");
        coverage["identifier"]!.AsArray().Add(new JsonObject { ["system"] = "urn:kakehashi:id:card-certificate", ["value"] = card.SerialHex, ["assigner"] = new JsonObject { ["display"] = card.Issuer } });

        var created = await Admin.CreateAsync(coverage.ToJsonString());

        Assert.DoesNotContain(card.SerialHex, created.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var answer = await (await CheckAsync(Admin, CardCheck(card))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("valid", (string?)answer["status"]);
        Assert.Equal("Coverage/" + (string)created["id"]!, (string?)answer["qualification"]!["coverage"]);
    }

    [Fact]
    public async Task LinkCard_MyNumberAsSerial_IsRefused()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer);
        var parameters = $$"""
        {"resourceType":"Parameters","parameter":[
          {"name":"insuredNumber","valueString":"{{insured.Member}}"},
          {"name":"issuer","valueString":"C=JP, O=JPKI"},{"name":"serial","valueString":"123456789018"}]}
        """;

        var message = await (await Admin.SendAsync(HttpMethod.Post, "Coverage/$link-card", parameters)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        Assert.Contains("My Number", message, StringComparison.Ordinal);
        var coverage = await (await Admin.GetAsync($"Coverage/{insured.CoverageId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)coverage["meta"]!["versionId"]);
    }

    private static string? Extension(JsonArray extensions, string name) =>
        (string?)extensions.FirstOrDefault(e => ((string)e!["url"]!).EndsWith(name, StringComparison.Ordinal))?["valueString"];
}

public sealed class SqliteRegistrationTests(SqliteServerFixture server) : RegistrationContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresRegistrationTests(PostgresServerFixture server) : RegistrationContract(server), IClassFixture<PostgresServerFixture>;
