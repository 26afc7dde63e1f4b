using System.Net;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// The whole path of online eligibility verification: the patient's card is checked at a clinic's
/// reader with the consent chosen there, and exactly the consented views open for that clinic.
/// </summary>
public abstract class ReaderConsentContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    [Fact]
    public async Task ConsentGivenAtTheCardReader_OpensExactlyTheConsentedViews_ForThatClinic()
    {
        var insurer = await EligibilityData.CreateInsurerAsync(Operator);
        var insured = await EligibilityData.RegisterAsync(Operator, insurer, birthDate: "1970-01-01");
        var card = TestCards.Issue();
        await EligibilityData.LinkCardAsync(Operator, insured, card);
        var pharmacy = ServerFixture.NewInstitutionCode(4);
        await Operator.CreateAsync(Eob(insured.PatientId, insurer, pharmacy, "pharmacy", Drug(1, Amlodipine, "2026-10-05"), Proc(2, Dialysis, "2026-10-05")).ToJsonString());
        await (await Operator.SendAsync(HttpMethod.Post, $"Patient/{insured.PatientId}/$submit-checkup",
            CheckupDocument("R-" + insured.PatientId, "2026-06-01", ServerFixture.NewInstitutionCode(1), insurer, HbA1c(6.0m)).ToJsonString())).ExpectAsync(HttpStatusCode.Created);

        var clinicClient = await server.RegisterClientAsync("doctor", "clinic");
        using var clinic = server.CreateClient(clinicClient);
        using var otherClinic = server.CreateClient(await server.RegisterClientAsync("doctor", "clinic"));
        await (await clinic.GetAsync($"Patient/{insured.PatientId}/$medication-history")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var answer = await (await EligibilityData.CheckAsync(clinic, EligibilityData.CardCheck(card, null, "medication", "checkup"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("valid", (string?)answer["status"]);

        var medication = Matches(await (await clinic.GetAsync($"Patient/{insured.PatientId}/$medication-history")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal("2171022F1023", (string?)Assert.Single(medication)["medicationCodeableConcept"]!["coding"]![0]!["code"]);
        var checkups = Matches(await (await clinic.GetAsync($"Patient/{insured.PatientId}/$checkup-history")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(2, checkups.Count);
        await (await clinic.GetAsync($"Patient/{insured.PatientId}/$treatment-history")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await otherClinic.GetAsync($"Patient/{insured.PatientId}/$medication-history")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteReaderConsentTests(SqliteServerFixture server) : ReaderConsentContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresReaderConsentTests(PostgresServerFixture server) : ReaderConsentContract(server), IClassFixture<PostgresServerFixture>;
