using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>Reception checks eligibility by card or by insurance card, through the compact JSON endpoint.</summary>
public abstract class CheckContract(ServerFixture server)
{
    private HttpClient Admin => server.Client;

    private async Task<HttpClient> ClerkAsync() => server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));

    [Fact]
    public async Task ByInsuranceCard_Valid_GivesQualificationCopayAndPublicExpense_ButNoLimitWithoutConsent()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer, copay: 20, limit: "u");
        await Admin.CreateAsync(PublicExpense(insured.PatientId, WithCheckDigit("5413001"), WithCheckDigit("765432")).ToJsonString());
        using var clerk = await ClerkAsync();

        var answer = await (await CheckAsync(clerk, InsuranceCardCheck(insured, "2026-01-15"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("valid", (string?)answer["status"]);
        Assert.Equal("2026-01-15", (string?)answer["visitDate"]);
        Assert.Equal("山田 花子", (string?)answer["patient"]!["name"]);
        Assert.Equal("ヤマダ ハナコ", (string?)answer["patient"]!["nameKana"]);
        Assert.Equal(20, (int)answer["qualification"]!["copayPercent"]!);
        Assert.Equal("Coverage/" + insured.CoverageId, (string?)answer["qualification"]!["coverage"]);
        Assert.Null(answer["qualification"]!["limitCategory"]);
        Assert.Equal(WithCheckDigit("765432"), (string?)answer["publicExpenses"]![0]!["recipientNumber"]);
    }

    [Theory]
    [InlineData("2019-12-31", "not-yet-valid")]
    [InlineData("2020-04-01", "valid")]
    [InlineData("2025-03-31", "valid")]
    [InlineData("2025-04-01", "expired")]
    public async Task ByInsuranceCard_StatusFollowsTheVisitDate(string visitDate, string status)
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer, start: "2020-04-01", end: "2025-03-31");
        using var clerk = await ClerkAsync();

        var answer = await (await CheckAsync(clerk, InsuranceCardCheck(insured, visitDate))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(status, (string?)answer["status"]);
        Assert.Equal("2025-03-31", (string?)answer["qualification"]!["validUntil"]);
    }

    [Fact]
    public async Task ByInsuranceCard_UnregisteredNumberOfAKnownInsurer_IsNotFound()
    {
        var insurer = await CreateInsurerAsync(Admin);
        await RegisterAsync(Admin, insurer);
        using var clerk = await ClerkAsync();
        var stranger = new Insured("-", "-", insurer, "記号１", NewNumber(), "00", "1990-01-01");

        var answer = await (await CheckAsync(clerk, InsuranceCardCheck(stranger))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("not-found", (string?)answer["status"]);
        Assert.Null(answer["patient"]);
        Assert.Null(answer["qualification"]);
    }

    [Fact]
    public async Task ByInsuranceCard_DeletedOrCancelledQualification_IsNotFound()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var deleted = await RegisterAsync(Admin, insurer);
        var cancelled = await RegisterAsync(Admin, insurer);
        await (await Admin.DeleteAsync($"Coverage/{deleted.CoverageId}")).ExpectAsync(HttpStatusCode.NoContent);
        var update = Coverage(cancelled.PatientId, cancelled.Member, status: "cancelled");
        update["id"] = cancelled.CoverageId;
        await (await Admin.SendAsync(HttpMethod.Put, $"Coverage/{cancelled.CoverageId}", update.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        using var clerk = await ClerkAsync();

        foreach (var insured in new[] { deleted, cancelled })
        {
            var answer = await (await CheckAsync(clerk, InsuranceCardCheck(insured))).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("not-found", (string?)answer["status"]);
        }
    }

    [Fact]
    public async Task ByInsuranceCard_WithoutBranch_TwinsAreAmbiguous_OthersFoundByBirthDate()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var number = NewNumber();
        var twin1 = await RegisterAsync(Admin, insurer, branch: "01", birthDate: "2015-06-01", number: number);
        await RegisterAsync(Admin, insurer, branch: "02", birthDate: "2015-06-01", number: number);
        var parent = await RegisterAsync(Admin, insurer, branch: "00", birthDate: "1985-02-03", number: number);
        using var clerk = await ClerkAsync();

        var twins = await (await CheckAsync(clerk, InsuranceCardCheck(twin1 with { Branch = "" }))).ExpectAsync(HttpStatusCode.OK);
        var oldCard = InsuranceCardCheck(parent);
        oldCard["insuranceCard"]!.AsObject().Remove("branch");
        var found = await (await CheckAsync(clerk, oldCard)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("ambiguous", (string?)twins["status"]);
        Assert.Equal(2, (int)twins["candidates"]!);
        Assert.Null(twins["patient"]);
        Assert.Equal("valid", (string?)found["status"]);
        Assert.Equal(parent.PatientId, (string?)found["patient"]!["id"]);
    }

    [Fact]
    public async Task ByCard_WithConsent_RecordsOneConsentForTheInstitution_AndShowsTheLimitCategory()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer, limit: "genekinami-2");
        var card = TestCards.Issue();
        await LinkCardAsync(Admin, insured, card);
        var clerkClient = await server.RegisterClientAsync("clerk", "clinic");
        using var clerk = server.CreateClient(clerkClient);

        var answer = await (await CheckAsync(clerk, CardCheck(card, null, "medication", "limit-certificate"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("valid", (string?)answer["status"]);
        Assert.Equal("genekinami-2", (string?)answer["qualification"]!["limitCategory"]!["code"]);
        Assert.Equal("現役並みⅡ", (string?)answer["qualification"]!["limitCategory"]!["display"]);
        var consentId = (string)answer["consent"]!["id"]!;
        var consent = await (await Admin.GetAsync(consentId)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Patient/" + insured.PatientId, (string?)consent["patient"]!["reference"]);
        Assert.Equal(["medication", "limit-certificate"], consent["category"]!.AsArray().Select(c => (string)c!["coding"]![0]!["code"]!));
        Assert.Equal(clerkClient.OrganizationCode, (string?)consent["provision"]!["actor"]![0]!["reference"]!["identifier"]!["value"]);
        var start = DateTimeOffset.Parse((string)consent["provision"]!["period"]!["start"]!, System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse((string)consent["provision"]!["period"]!["end"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(24), end - start);
        Assert.Equal(1, await CountAsync(Admin, $"Consent?patient=Patient/{insured.PatientId}"));
    }

    [Fact]
    public async Task ByCard_LinkedToTwoQualificationsInForce_IsAmbiguous_AndRecordsNoConsent()
    {
        var first = await RegisterAsync(Admin, await CreateInsurerAsync(Admin));
        var second = await RegisterAsync(Admin, await CreateInsurerAsync(Admin));
        var card = TestCards.Issue();
        await LinkCardAsync(Admin, first, card);
        await LinkCardAsync(Admin, second, card);
        using var clerk = await ClerkAsync();

        var answer = await (await CheckAsync(clerk, CardCheck(card, null, "medication"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("ambiguous", (string?)answer["status"]);
        Assert.Null(answer["consent"]);
        Assert.Equal(0, await CountAsync(Admin, $"Consent?patient=Patient/{first.PatientId}"));
    }

    [Fact]
    public async Task ByCard_AfterChangingInsurer_TheNewQualificationIsValid()
    {
        var card = TestCards.Issue();
        var old = await RegisterAsync(Admin, await CreateInsurerAsync(Admin), start: "2015-04-01", end: "2024-03-31");
        var current = await RegisterAsync(Admin, await CreateInsurerAsync(Admin), start: "2024-04-01");
        await LinkCardAsync(Admin, old, card);
        await LinkCardAsync(Admin, current, card);
        using var clerk = await ClerkAsync();

        var now = await (await CheckAsync(clerk, CardCheck(card, "2025-05-01"))).ExpectAsync(HttpStatusCode.OK);
        var then = await (await CheckAsync(clerk, CardCheck(card, "2020-05-01"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Coverage/" + current.CoverageId, (string?)now["qualification"]!["coverage"]);
        Assert.Equal("Coverage/" + old.CoverageId, (string?)then["qualification"]!["coverage"]);
    }

    [Fact]
    public async Task ByCard_NotLinked_IsNotFound()
    {
        using var clerk = await ClerkAsync();

        var answer = await (await CheckAsync(clerk, CardCheck(TestCards.Issue()))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("not-found", (string?)answer["status"]);
    }

    [Fact]
    public async Task BadInput_GetsAClearErrorAndWritesNothing()
    {
        var insurer = await CreateInsurerAsync(Admin);
        var insured = await RegisterAsync(Admin, insurer);
        var card = TestCards.Issue();
        await LinkCardAsync(Admin, insured, card);
        using var clerk = await ClerkAsync();
        var wrongDigit = insured.Insurer[..7] + (char)('0' + ((insured.Insurer[7] - '0' + 1) % 10));
        var unknown = Kakehashi.Platform.Security.InstitutionCodes.WithCheckDigit("3998" + NewNumber()[^3..]);

        var cases = new (JsonObject Body, HttpStatusCode Status, string Expected)[]
        {
            (InsuranceCardCheck(insured with { Insurer = wrongDigit }), HttpStatusCode.BadRequest, "check digit"),
            (InsuranceCardCheck(insured with { Insurer = unknown }), HttpStatusCode.UnprocessableEntity, "Unknown insurer"),
            (InsuranceCardCheck(insured, branch: "0"), HttpStatusCode.BadRequest, "leading zero"),
            (InsuranceCardCheck(insured, birthDate: "1980-04-02"), HttpStatusCode.UnprocessableEntity, "birth date does not match"),
            (InsuranceCardCheck(insured with { Number = "123456789018" }), HttpStatusCode.BadRequest, "My Number"),
            (new JsonObject { ["card"] = new JsonObject { ["certificate"] = "bm90IGEgY2VydGlmaWNhdGU=", ["consent"] = new JsonObject { ["categories"] = new JsonArray("medication") } } }, HttpStatusCode.BadRequest, "X.509"),
            (new JsonObject { ["card"] = new JsonObject { ["certificate"] = "%%%" } }, HttpStatusCode.BadRequest, "base64"),
            (CardCheck(card, null, "everything"), HttpStatusCode.BadRequest, "not a category"),
            (new JsonObject { ["insuranceCard"] = InsuranceCardCheck(insured)["insuranceCard"]!.DeepClone(), ["card"] = new JsonObject { ["certificate"] = card.CertificateBase64 } }, HttpStatusCode.BadRequest, "either"),
            (new JsonObject { ["visitDate"] = "2026-13-01", ["card"] = new JsonObject { ["certificate"] = card.CertificateBase64 } }, HttpStatusCode.BadRequest, "YYYY-MM-DD"),
            (new JsonObject { ["card"] = new JsonObject { ["certificat"] = card.CertificateBase64 } }, HttpStatusCode.BadRequest, "certificat"),
        };
        foreach (var (body, status, expected) in cases)
        {
            var message = await (await CheckAsync(clerk, body)).ExpectOutcomeAsync(status);
            Assert.Contains(expected, message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await CountAsync(Admin, $"Consent?patient=Patient/{insured.PatientId}"));
    }

    [Fact]
    public async Task ExpiredCardCertificate_IsRefused()
    {
        var insured = await RegisterAsync(Admin, await CreateInsurerAsync(Admin));
        var card = TestCards.Issue(TimeSpan.FromDays(1), DateTimeOffset.UtcNow.AddDays(-3));
        using var clerk = await ClerkAsync();

        var message = await (await CheckAsync(clerk, CardCheck(card))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("validity period", message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(insured.PatientId));
    }

    [Fact]
    public async Task Check_IsForReception_NotForInsurersOrPatients_AndIsAuditedWithoutPatientData()
    {
        var insured = await RegisterAsync(Admin, await CreateInsurerAsync(Admin));
        using var insurer = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        using var noScope = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic", "system/Patient.rs"));
        using var clerk = await ClerkAsync();

        await (await CheckAsync(insurer, InsuranceCardCheck(insured))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await CheckAsync(noScope, InsuranceCardCheck(insured))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await CheckAsync(clerk, InsuranceCardCheck(insured))).ExpectAsync(HttpStatusCode.OK);

        var audit = await (await Admin.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + insured.PatientId)}&count=100")).ExpectAsync(HttpStatusCode.OK);
        var check = audit.AsArray().Single(e => (string?)e!["record"]!["interaction"] == "eligibility-check");
        Assert.Equal(200, (int)check!["record"]!["outcome"]!);
        Assert.Equal("clerk", (string?)check["record"]!["jobType"]);
        var text = audit.ToJsonString();
        Assert.DoesNotContain(insured.Number, text, StringComparison.Ordinal);
        Assert.DoesNotContain(insured.BirthDate, text, StringComparison.Ordinal);
    }
}

public sealed class SqliteCheckTests(SqliteServerFixture server) : CheckContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCheckTests(PostgresServerFixture server) : CheckContract(server), IClassFixture<PostgresServerFixture>;
