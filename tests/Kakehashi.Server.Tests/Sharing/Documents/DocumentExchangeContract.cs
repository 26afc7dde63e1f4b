using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// Referral letters, discharge summaries and checkup reports as the institutions' systems exchange
/// them (docs/sharing.md "Documents"): submission against the guides' profiles, the recipient's
/// inbox, retrieval with the patient's consent, acknowledgement, the sender's view, corrections.
/// </summary>
public abstract class DocumentExchangeContract(ServerFixture server) : DocumentScenario(server)
{
    public static TheoryData<string> ReferralExamples() => [.. DocumentData.ReferralExamples()];

    [Theory]
    [MemberData(nameof(ReferralExamples))]
    public async Task GuideReferralExample_IsAccepted_AndLandsInTheRecipientsInbox(string example)
    {
        using var world = await SetUpAsync();
        var submitted = await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode, example: example));
        Assert.Equal("referral", (string?)submitted["kind"]);
        Assert.Equal(world.SenderCode, (string?)submitted["sender"]!["code"]);
        Assert.Equal(world.RecipientCode, (string?)submitted["recipient"]!["code"]);
        Assert.Equal("Patient/" + world.Patient, (string?)submitted["patient"]);
        Assert.Equal("new", (string?)submitted["status"]);
        Assert.Null(submitted["document"]);

        var inbox = await (await world.Clerk.GetAsync("/sharing/inbox")).ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(inbox["items"]!.AsArray());
        Assert.Equal((string?)submitted["id"], (string?)item!["id"]);
        Assert.Null(item["document"]);
    }

    [Fact]
    public async Task Referral_Retrieve_NeedsConsent_ThenAcknowledge_AndTheSenderSeesIt()
    {
        using var world = await SetUpAsync();
        var id = (string)(await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode)))["id"]!;

        var refused = await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains("documents", refused, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Recipient.GetAsync($"/sharing/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(world.Recipient, $"/sharing/documents/{id}/acknowledge")).StatusCode);

        await TestConsents.GrantAsync(Operator, world.Patient, world.RecipientCode, "documents");
        var retrieved = await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("retrieved", (string?)retrieved["status"]);
        Assert.Equal("Bundle", (string?)retrieved["document"]!["resourceType"]);
        Assert.Equal([id], await InboxIdsAsync(world.Recipient, "retrieved"));
        Assert.Empty(await InboxIdsAsync(world.Recipient, "new"));
        Assert.Equal("retrieved", (string?)(await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]![0]!["status"]);

        var acknowledged = await (await PostAsync(world.Recipient, $"/sharing/documents/{id}/acknowledge")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("acknowledged", (string?)acknowledged["status"]);
        var sent = await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("acknowledged", (string?)sent["items"]![0]!["status"]);
        Assert.NotNull((string?)sent["items"]![0]!["acknowledged"]);
        var read = await (await world.Recipient.GetAsync($"/sharing/documents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("document", (string?)read["document"]!["type"]);
    }

    [Fact]
    public async Task BrokenReferral_IsRefused_AtTheElement_AndNothingIsStored()
    {
        using var world = await SetUpAsync();
        var broken = DocumentData.Referral(world.RecipientCode);
        DocumentData.Composition(broken).Remove("custodian");
        var outcome = await (await SubmitAsync(world.Sender, world.Patient, broken)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        // Firely reports a missing member at its parent (the Composition) and names it in the text.
        Assert.Contains(outcome["issue"]!.AsArray(), i => ((string?)i!["expression"]?[0])?.StartsWith("Bundle.entry[0].resource", StringComparison.Ordinal) == true
            && ((string?)i["details"]?["text"])?.Contains("'custodian'", StringComparison.Ordinal) == true);
        Assert.Empty((await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task Referral_ForAnotherPerson_OrWithoutRecipient_IsRefused()
    {
        using var world = await SetUpAsync(DocumentData.PatientJson(Unique("別人"), "1980-01-01", "female"));
        var outcome = await (await SubmitAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(Expressions(outcome), e => e is not null && e.EndsWith(".birthDate", StringComparison.Ordinal));

        using var other = await SetUpAsync();
        var unaddressed = DocumentData.Referral(other.RecipientCode);
        DocumentData.RecipientSection(DocumentData.Composition(unaddressed))["entry"]!.AsArray().RemoveAt(0);
        var response = await SubmitAsync(other.Sender, other.Patient, unaddressed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await InboxIdsAsync(other.Clerk));
    }

    [Fact]
    public async Task OnlyDoctorsAndDentists_WriteReferrals()
    {
        using var world = await SetUpAsync();
        var clerkAtClinic = await ClientOfAsync(world.SenderCode, "clerk");
        using var clerk = Server.CreateClient(clerkAtClinic);
        Assert.Equal(HttpStatusCode.Forbidden, (await SubmitAsync(clerk, world.Patient, DocumentData.Referral(world.RecipientCode))).StatusCode);
        var pharmacist = await Server.RegisterClientAsync("pharmacist", "pharmacy");
        using var pharmacy = Server.CreateClient(pharmacist);
        Assert.Equal(HttpStatusCode.Forbidden, (await SubmitAsync(pharmacy, world.Patient, DocumentData.Referral(world.RecipientCode))).StatusCode);
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task Correction_ReplacesTheEarlierVersion_AndLinksToIt()
    {
        using var world = await SetUpAsync();
        var identifier = "1311234567-2021-" + Guid.NewGuid().ToString("N")[..10];
        var first = (string)(await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode, identifier)))["id"]!;
        var second = await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode, identifier));
        Assert.Equal(first, (string?)second["replaces"]);
        var secondId = (string)second["id"]!;
        Assert.Equal([secondId], await InboxIdsAsync(world.Clerk));

        // An explicit ?replaces= with another identifier corrects too.
        var third = await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode), secondId);
        Assert.Equal(secondId, (string?)third["replaces"]);
        Assert.Equal([(string)third["id"]!], await InboxIdsAsync(world.Clerk));

        var earlier = await (await world.Sender.GetAsync($"/sharing/documents/{first}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)earlier["superseded"]!);
        Assert.Equal(secondId, (string?)earlier["supersededBy"]);
        // A superseded version is corrected no more.
        Assert.Equal(HttpStatusCode.Conflict, (await SubmitAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode), first)).StatusCode);
    }

    [Fact]
    public async Task AReferralTheValidatorCannotCheck_IsRefusedClearly_AndNothingIsStored()
    {
        // The guide's NoEntry example has no Observation, and Firely.Fhir.Validation 3.6 fails on the
        // empty entry:observation slice (which the Bundle profile reslices): the server answers 422
        // saying so, not 500, and stores nothing.
        using var world = await SetUpAsync();
        var document = DocumentData.Referral(world.RecipientCode, example: "jp-clins/Bundle-Bundle-CLINS-Referral-NoEntry-Example-01.json");
        var refused = await (await SubmitAsync(world.Sender, world.Patient, document)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("could not be validated", (string?)refused["issue"]![0]!["diagnostics"], StringComparison.Ordinal);
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task GuideCheckupExample_IsAccepted_AndFeedsTheCheckupHistory()
    {
        var insurerClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = Server.CreateClient(insurerClient);
        var patient = (string)(await Operator.CreateAsync(DocumentData.CheckupPatient(Unique("健診"))))["id"]!;
        var submitted = await SubmittedAsync(insurer, patient, DocumentData.Checkup(ServerFixture.NewInstitutionCode(1), insurerClient.OrganizationCode));
        Assert.Equal("checkup-report", (string?)submitted["kind"]);
        Assert.Null(submitted["recipient"]);
        var id = (string)submitted["id"]!;

        var doctorClient = await Server.RegisterClientAsync("doctor", "clinic");
        using var doctor = Server.CreateClient(doctorClient);
        Assert.Equal(HttpStatusCode.NotFound, (await doctor.GetAsync($"/sharing/documents/{id}")).StatusCode);
        await TestConsents.GrantAsync(Operator, patient, doctorClient.OrganizationCode, "checkup");
        var read = await (await doctor.GetAsync($"/sharing/documents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Bundle", (string?)read["document"]!["resourceType"]);
        var history = await (await doctor.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(history["entry"]!.AsArray(), e => (string?)e!["resource"]!["resourceType"] == "DiagnosticReport");
        Assert.Equal(HttpStatusCode.OK, (await insurer.GetAsync($"/sharing/documents/{id}")).StatusCode);
    }
}

public sealed class SqliteDocumentExchangeTests(SqliteServerFixture server) : DocumentExchangeContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresDocumentExchangeTests(PostgresServerFixture server) : DocumentExchangeContract(server), IClassFixture<PostgresServerFixture>;
