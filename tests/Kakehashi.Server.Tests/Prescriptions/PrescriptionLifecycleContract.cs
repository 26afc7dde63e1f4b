using System.Net;
using System.Text;
using Kakehashi.Server.Tests.History;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Prescriptions.PrescriptionData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// The life of an electronic prescription (docs/prescriptions.md) through the HTTP API, as a
/// clinic's and two pharmacies' systems drive it: signed registration, retrieval by exchange
/// number, the race between two pharmacies, hand-back, dispensing read back by the prescriber and
/// shown in the medication history, cancellation, expiry and refills at the edges of their windows.
/// </summary>
public abstract class PrescriptionLifecycleContract(ServerFixture server, ShiftedPrescriptionClock clock) : PrescriptionScenario(server, clock)
{
    [Fact]
    public async Task Register_SignedByADoctor_AnswersTheIdAndASixDigitExchangeNumber_OpenForFourDays()
    {
        using var world = await SetUpAsync();
        var answer = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));

        Assert.Matches("^[0-9]{6}$", (string?)answer["exchangeNumber"]);
        Assert.Equal("registered", (string?)answer["status"]);
        Assert.Equal("未受付", (string?)answer["statusText"]);
        Assert.True((bool)answer["electronic"]!);
        Assert.False(string.IsNullOrEmpty((string?)answer["timeStamp"]));
        var issued = DateOnly.Parse((string)answer["issued"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Clock.Today, issued);
        Assert.Equal(issued.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)answer["dispensableUntil"]);
        Assert.StartsWith("mhlw-20250716", (string?)answer["masterVersion"], StringComparison.Ordinal);

        // The prescriber reads it back, with the document as it was signed.
        var read = await (await world.Doctor.GetAsync("/prescriptions/" + (string)answer["id"]!)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(read["prescription"]!["signature"]);
        Assert.Equal("Patient/" + world.Patient, (string?)read["patient"]);
    }

    [Fact]
    public async Task Register_WithoutSignature_IsRefusedUnlessDeclaredPaper()
    {
        using var world = await SetUpAsync();
        var unsigned = await PostJsonAsync(world.Doctor, "/prescriptions", world.Document(new Line(Amlodipine, 28)).ToJsonString());
        Assert.Contains("?paper=true", await unsigned.ExpectOutcomeAsync(HttpStatusCode.BadRequest), StringComparison.Ordinal);

        var paper = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)), sign: false);
        Assert.False((bool)paper["electronic"]!);
        Assert.Matches("^[0-9]{6}$", (string?)paper["exchangeNumber"]);
    }

    [Fact]
    public async Task Register_SignedByAPharmacistsCertificate_IsRefused()
    {
        using var world = await SetUpAsync();
        var signed = TestHpki.Sign(world.Document(new Line(Amlodipine, 28)).ToJsonString(), TestHpki.Pharmacist);
        var response = await PostJsonAsync(world.Doctor, "/prescriptions", Encoding.UTF8.GetString(signed));
        Assert.Contains("Pharmacist", await response.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ChangedAfterSigning_IsRefused_AndNothingIsStored()
    {
        using var world = await SetUpAsync();
        var signed = Encoding.UTF8.GetString(TestHpki.Sign(world.Document(new Line(Amlodipine, 28)).ToJsonString(), TestHpki.Doctor));
        var tampered = signed.Replace("\"value\":28", "\"value\":90", StringComparison.Ordinal);
        Assert.NotEqual(signed, tampered);

        var response = await PostJsonAsync(world.Doctor, "/prescriptions", tampered);
        Assert.Contains("changed after it was signed", await response.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        var issued = await (await world.Doctor.GetAsync("/prescriptions?issued=mine")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(issued["items"]!.AsArray());
    }

    [Fact]
    public async Task Register_ByAnExpiredOrUntrustedCertificate_IsRefused()
    {
        using var world = await SetUpAsync();
        var expired = TestHpki.Authority.Issue("CN=医師 期限切", Kakehashi.Platform.Prescriptions.Signing.HealthcareQualification.Doctor, DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1));
        var byExpired = await PostJsonAsync(world.Doctor, "/prescriptions", Encoding.UTF8.GetString(TestHpki.Sign(world.Document(new Line(Amlodipine, 28)).ToJsonString(), expired)));
        Assert.Contains("expired", await byExpired.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);

        var foreign = TestHpki.Impostor.Issue("CN=医師 偽", Kakehashi.Platform.Prescriptions.Signing.HealthcareQualification.Doctor, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var byForeign = await PostJsonAsync(world.Doctor, "/prescriptions", Encoding.UTF8.GetString(TestHpki.Sign(world.Document(new Line(Amlodipine, 28)).ToJsonString(), foreign)));
        Assert.Contains("does not chain to a trusted", await byForeign.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ByARevokedCertificate_IsRefusedOnceTheOperatorUploadedTheCrl()
    {
        using var world = await SetUpAsync();
        var holder = TestHpki.Authority.Issue("CN=医師 失効", Kakehashi.Platform.Prescriptions.Signing.HealthcareQualification.Doctor, DateTimeOffset.UtcNow.AddDays(-5), DateTimeOffset.UtcNow.AddYears(1));
        string Signed() => Encoding.UTF8.GetString(TestHpki.Sign(world.Document(new Line(Amlodipine, 28)).ToJsonString(), holder));
        await (await PostJsonAsync(world.Doctor, "/prescriptions", Signed())).ExpectAsync(HttpStatusCode.Created);

        // Each upload must be newer than the last (other tests of this server upload lists too).
        var crl = TestHpki.Authority.CreateRevocationList([holder.SerialNumber], DateTimeOffset.UtcNow.Ticks, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(7));
        using var upload = new ByteArrayContent(crl);
        upload.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkix-crl");
        (await Server.Client.PostAsync("/prescriptions/crls", upload)).EnsureSuccessStatusCode();

        var response = await PostJsonAsync(world.Doctor, "/prescriptions", Signed());
        Assert.Contains("revoked", await response.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ByAPharmacistOrANurse_IsForbidden()
    {
        using var world = await SetUpAsync();
        var nurse = await Server.RegisterClientAsync("nurse", "hospital");
        using var nurseClient = Server.CreateClient(nurse);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(nurseClient, world.Document(new Line(Amlodipine, 28)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(world.Pharmacy, world.Document(new Line(Amlodipine, 28)))).StatusCode);
    }

    [Fact]
    public async Task Register_ForAnUnknownInsuredPerson_Is422()
    {
        using var world = await SetUpAsync();
        var stranger = PrescriptionData.Document(world.Insurer, "記号", Unique("X"), "00", [new Line(Amlodipine, 28)]);
        var response = await RegisterAsync(world.Doctor, stranger);
        Assert.Contains("No insured person", await response.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrieve_LocksThePrescriptionToThePharmacy_ASecondPharmacyGetsAConflictNamingTheState_UntilHandedBack()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var number = (string)registered["exchangeNumber"]!;

        var taken = await (await RetrieveAsync(world, world.Pharmacy, number)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", (string?)taken["status"]);
        Assert.Equal(world.PharmacyCode, (string?)taken["pharmacy"]);
        Assert.NotNull(taken["prescription"]);
        Assert.NotNull(taken["check"]!["issues"]);

        var second = await RetrieveAsync(world, world.OtherPharmacy, number);
        var conflict = await second.ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("accepted", (string?)conflict["issue"]![0]!["details"]!["coding"]![0]!["code"]);
        Assert.Contains("受付済", (string?)conflict["issue"]![0]!["diagnostics"], StringComparison.Ordinal);

        await (await PostJsonAsync(world.Pharmacy, $"/prescriptions/{(string)registered["id"]!}/hand-back", "{}")).ExpectAsync(HttpStatusCode.OK);
        var retaken = await (await RetrieveAsync(world, world.OtherPharmacy, number)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(world.OtherPharmacyCode, (string?)retaken["pharmacy"]);
    }

    [Fact]
    public async Task Retrieve_WithAnotherInsuredPersonsCard_IsNotFound()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var card = world.Card((string)registered["exchangeNumber"]!);
        card["number"] = Unique("Z");
        var response = await PostJsonAsync(world.Pharmacy, "/prescriptions/retrieve", card.ToJsonString());
        await response.ExpectOutcomeAsync(HttpStatusCode.NotFound);

        // The prescriber's institution is not a pharmacy: it cannot take its own prescription.
        Assert.Equal(HttpStatusCode.Forbidden, (await RetrieveAsync(world, world.Doctor, (string)registered["exchangeNumber"]!)).StatusCode);
    }

    [Fact]
    public async Task Retrieve_TwoPharmaciesRacing_ExactlyOneWins()
    {
        using var world = await SetUpAsync();
        for (var round = 0; round < 5; round++)
        {
            var number = (string)(await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28))))["exchangeNumber"]!;
            var answers = await Task.WhenAll(RetrieveAsync(world, world.Pharmacy, number), RetrieveAsync(world, world.OtherPharmacy, number));
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        }
    }

    [Fact]
    public async Task Dispense_BySignedResult_ShowsInTheMedicationHistoryAtOnce_AndThePrescriberReadsItBack()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var id = (string)registered["id"]!;
        await (await RetrieveAsync(world, world.Pharmacy, (string)registered["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);

        var dispensed = await (await DispenseAsync(world.Pharmacy, id, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("dispensed", (string?)dispensed["status"]);
        var dispenseRef = (string)dispensed["dispenses"]![0]!;

        var read = await (await world.Doctor.GetAsync("/prescriptions/" + id)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("調剤済", (string?)read["statusText"]);
        var use = read["dispensings"]![0]!;
        Assert.Equal(world.PharmacyCode, (string?)use["pharmacy"]);
        Assert.Equal("Patient/" + world.Patient, (string?)use["dispenses"]![0]!["subject"]!["reference"]);

        // The medication history shows it at once (the doctor has the patient's medication consent).
        await TestConsents.GrantAsync(Server.Client, world.Patient, world.Hospital, "medication");
        var history = await (await world.Doctor.GetAsync($"Patient/{world.Patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        var entries = HistoryFixtures.Matches(history);
        Assert.Contains(entries, e => HistoryFixtures.Sources(e).Contains(dispenseRef));

        // A second dispensing of the same use is refused, naming the state.
        var again = await DispenseAsync(world.Pharmacy, id, new Line(Amlodipine, 28));
        Assert.Contains("調剤済", await again.ExpectOutcomeAsync(HttpStatusCode.Conflict), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispense_UnsignedForAnElectronicPrescription_IsRefused_AndByAnotherPharmacyNotFound()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var id = (string)registered["id"]!;
        await (await RetrieveAsync(world, world.Pharmacy, (string)registered["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);

        var unsigned = await PostJsonAsync(world.Pharmacy, $"/prescriptions/{id}/dispense", Dispensing([new Line(Amlodipine, 28)]).ToJsonString());
        await unsigned.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var byDoctorsCertificate = await PostJsonAsync(world.Pharmacy, $"/prescriptions/{id}/dispense",
            Encoding.UTF8.GetString(TestHpki.Sign(Dispensing([new Line(Amlodipine, 28)]).ToJsonString(), TestHpki.Doctor)));
        await byDoctorsCertificate.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        await (await DispenseAsync(world.OtherPharmacy, id, new Line(Amlodipine, 28))).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await world.OtherPharmacy.GetAsync("/prescriptions/" + id)).StatusCode);
    }

    [Fact]
    public async Task Cancel_ByThePrescriberWhileNotDispensed_FreesIt_OtherwiseConflict()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var id = (string)registered["id"]!;
        var otherDoctor = await Server.RegisterClientAsync("doctor", "clinic");
        using var otherClient = Server.CreateClient(otherDoctor);
        await (await PostJsonAsync(otherClient, $"/prescriptions/{id}/cancel", "{}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var cancelled = await (await PostJsonAsync(world.Doctor, $"/prescriptions/{id}/cancel", "{}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", (string?)cancelled["status"]);
        var retrieve = await RetrieveAsync(world, world.Pharmacy, (string)registered["exchangeNumber"]!);
        await retrieve.ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var dispensedOne = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        await (await RetrieveAsync(world, world.Pharmacy, (string)dispensedOne["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);
        await (await DispenseAsync(world.Pharmacy, (string)dispensedOne["id"]!, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
        var late = await PostJsonAsync(world.Doctor, $"/prescriptions/{(string)dispensedOne["id"]!}/cancel", "{}");
        Assert.Contains("調剤済", await late.ExpectOutcomeAsync(HttpStatusCode.Conflict), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_TheFourthDayCountingTheIssueDayIsTheLast()
    {
        using var world = await SetUpAsync();
        try
        {
            var onLastDay = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
            var tooLate = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
            Clock.Shift = TimeSpan.FromDays(3);
            await (await RetrieveAsync(world, world.Pharmacy, (string)onLastDay["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);

            Clock.Shift = TimeSpan.FromDays(4);
            var read = await (await world.Doctor.GetAsync("/prescriptions/" + (string)tooLate["id"]!)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("expired", (string?)read["status"]);
            // The patient who brings it late is told why it cannot be dispensed.
            var late = await RetrieveAsync(world, world.Pharmacy, (string)tooLate["exchangeNumber"]!);
            Assert.Contains("期限切れ", await late.ExpectOutcomeAsync(HttpStatusCode.Conflict), StringComparison.Ordinal);
            var byId = await PostJsonAsync(world.Pharmacy, $"/prescriptions/{(string)tooLate["id"]!}/retrieve", "{}");
            Assert.NotEqual(HttpStatusCode.OK, byId.StatusCode);
        }
        finally
        {
            Clock.Shift = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Refill_ThreeUses_TheNextWithinSevenDaysOfThePlannedDay_ThenDispensed()
    {
        using var world = await SetUpAsync();
        try
        {
            var registered = await RegisteredAsync(world.Doctor, world.Refill(2, new Line(Amlodipine, 28)));
            Assert.Equal(3, (int)registered["usesAllowed"]!);
            var id = (string)registered["id"]!;
            var number = (string)registered["exchangeNumber"]!;

            await (await RetrieveAsync(world, world.Pharmacy, number)).ExpectAsync(HttpStatusCode.OK);
            var first = await (await DispenseAsync(world.Pharmacy, id, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal("registered", (string?)first["status"]);
            Assert.Equal(1, (int)first["usesDone"]!);
            var planned = Clock.Today.AddDays(28);
            Assert.Equal(planned.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)first["dispensableFrom"]);
            Assert.Equal(planned.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)first["dispensableUntil"]);

            // A day before the window: refused, naming the day it opens. On its first day: taken.
            Clock.Shift = TimeSpan.FromDays(20);
            var early = await RetrieveAsync(world, world.OtherPharmacy, number);
            Assert.Contains(planned.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), await early.ExpectOutcomeAsync(HttpStatusCode.Conflict), StringComparison.Ordinal);
            Clock.Shift = TimeSpan.FromDays(21);
            await (await RetrieveAsync(world, world.OtherPharmacy, number)).ExpectAsync(HttpStatusCode.OK);
            var second = await (await DispenseAsync(world.OtherPharmacy, id, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(2, (int)second["usesDone"]!);

            Clock.Shift = TimeSpan.FromDays(21 + 28 + 7);
            await (await RetrieveAsync(world, world.Pharmacy, number)).ExpectAsync(HttpStatusCode.OK);
            var third = await (await DispenseAsync(world.Pharmacy, id, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal("dispensed", (string?)third["status"]);
        }
        finally
        {
            Clock.Shift = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task APatient_ListsAndReadsTheirOwnPrescriptions_NotAnothers()
    {
        using var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var account = await Server.CreateAccountAsync("patient", Server.OperatorCode, world.Patient);
        var (token, _) = await Server.LoginAsync(account, "patient/*.rs");
        using var me = Server.CreateClientWithToken(token);

        var mine = await (await me.GetAsync("/prescriptions")).ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(mine["items"]!.AsArray());
        Assert.Equal((string?)registered["exchangeNumber"], (string?)item!["exchangeNumber"]);
        await (await me.GetAsync("/prescriptions/" + (string)registered["id"]!)).ExpectAsync(HttpStatusCode.OK);

        using var other = await SetUpAsync();
        var theirs = await RegisteredAsync(other.Doctor, other.Document(new Line(Amlodipine, 28)));
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync("/prescriptions/" + (string)theirs["id"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await me.GetAsync("/prescriptions?patient=" + other.Patient)).StatusCode);
    }

    [Fact]
    public async Task Refill_OfANarcoticPsychotropicOrPoultice_IsRefused_AndMoreThanThreeUses()
    {
        using var world = await SetUpAsync();
        foreach (var drug in new[] { Opium, Triazolam, LoxoprofenPoultice })
        {
            var response = await RegisterAsync(world.Doctor, world.Refill(1, new Line(drug, 14)));
            Assert.Contains("リフィル", await response.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        }

        var fourUses = await RegisterAsync(world.Doctor, world.Refill(3, new Line(Amlodipine, 28)));
        Assert.Contains("at most 3", await fourUses.ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }
}

public sealed class SqlitePrescriptionLifecycleTests(PrescriptionSqliteFixture server) : PrescriptionLifecycleContract(server, server.Clock), IClassFixture<PrescriptionSqliteFixture>;

public sealed class PostgresPrescriptionLifecycleTests(PrescriptionPostgresFixture server) : PrescriptionLifecycleContract(server, server.Clock), IClassFixture<PrescriptionPostgresFixture>;
