using System.Net;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// Discharge summaries (退院時サマリー, <c>JP_Bundle_eDischargeSummary</c>) exchanged like referrals: a
/// hospital doctor sends one to the institution the patient goes to, whose staff retrieve it with the
/// patient's <c>documents</c> consent. An insurer — even the patient's own — never sees one.
/// </summary>
public abstract class DischargeSummaryContract(ServerFixture server) : DocumentScenario(server)
{
    [Fact]
    public async Task DischargeSummary_IsAccepted_AndLandsInTheRecipientsInbox()
    {
        using var world = await SetUpAsync();
        var submitted = await SubmittedAsync(world.Sender, world.Patient, DischargeSummaryData.DischargeSummary(world.RecipientCode));
        Assert.Equal("discharge-summary", (string?)submitted["kind"]);
        Assert.Equal(world.SenderCode, (string?)submitted["sender"]!["code"]);
        Assert.Equal(world.RecipientCode, (string?)submitted["recipient"]!["code"]);
        Assert.Equal("Patient/" + world.Patient, (string?)submitted["patient"]);
        Assert.Equal(DischargeSummaryData.Discharged + "T12:00:00+09:00", (string?)submitted["date"]);
        Assert.Equal("new", (string?)submitted["status"]);
        Assert.Null(submitted["document"]);

        var id = (string)submitted["id"]!;
        var inbox = await (await world.Clerk.GetAsync("/sharing/inbox")).ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(inbox["items"]!.AsArray());
        Assert.Equal(id, (string?)item!["id"]);
        Assert.Equal("discharge-summary", (string?)item["kind"]);
        Assert.Null(item["document"]);
        Assert.Empty(await InboxIdsAsync(world.Third));
        Assert.Contains((await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray(), i => (string?)i!["id"] == id);
    }

    [Fact]
    public async Task DischargeSummary_RetrievalNeedsTheDocumentsConsent()
    {
        using var world = await SetUpAsync();
        var id = (string)(await SubmittedAsync(world.Sender, world.Patient, DischargeSummaryData.DischargeSummary(world.RecipientCode)))["id"]!;

        var refused = await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains("documents", refused, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Recipient.GetAsync($"/sharing/documents/{id}")).StatusCode);
        // Consent for the checkup reports is not consent for the documents.
        await TestConsents.GrantAsync(Operator, world.Patient, world.RecipientCode, "checkup");
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).StatusCode);

        await TestConsents.GrantAsync(Operator, world.Patient, world.RecipientCode, "documents");
        var retrieved = await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("retrieved", (string?)retrieved["status"]);
        var composition = retrieved["document"]!["entry"]![0]!["resource"]!;
        Assert.Equal("18842-5", (string?)composition["type"]!["coding"]![0]!["code"]);
        Assert.Equal(DischargeSummaryData.Discharged, (string?)composition["event"]![0]!["period"]!["end"]);
        Assert.Equal([id], await InboxIdsAsync(world.Recipient, "retrieved"));
        var read = await (await world.Recipient.GetAsync($"/sharing/documents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("discharge-summary", (string?)read["kind"]);

        // A third hospital holding both consents still has no door to it.
        await TestConsents.GrantAsync(Operator, world.Patient, world.ThirdCode, "documents", "checkup");
        Assert.Equal(HttpStatusCode.NotFound, (await world.Third.GetAsync($"/sharing/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(world.Third, $"/sharing/documents/{id}/retrieve")).StatusCode);
    }

    [Fact]
    public async Task DischargeSummary_IsNeverAnInsurers_EvenThePatientsOwn()
    {
        using var world = await SetUpAsync();
        var insurerClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = Server.CreateClient(insurerClient);
        await TestInsurance.InsureAsync(Operator, world.Patient, insurerClient.OrganizationCode);
        var id = (string)(await SubmittedAsync(world.Sender, world.Patient, DischargeSummaryData.DischargeSummary(world.RecipientCode)))["id"]!;
        await TestConsents.GrantAsync(Operator, world.Patient, world.RecipientCode, "documents");
        await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK);

        // The insurer of the patient may list the patient's checkup reports: the discharge summary is not one.
        var reports = await (await insurer.GetAsync($"/sharing/checkup-reports?patient={world.Patient}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(reports["items"]!.AsArray());
        var unknown = await (await insurer.GetAsync($"/sharing/documents/{Guid.NewGuid():N}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var hidden = await (await insurer.GetAsync($"/sharing/documents/{id}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknown, hidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(insurer, $"/sharing/documents/{id}/retrieve")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await insurer.GetAsync("/sharing/inbox")).StatusCode);
        Assert.DoesNotContain((await (await insurer.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray(), i => (string?)i!["id"] == id);
    }

    [Fact]
    public async Task BrokenDischargeSummary_IsRefused_AtTheElement_AndNothingIsStored()
    {
        using var world = await SetUpAsync();

        // Without the discharge date (退院日): the profile requires Composition.event.period.end.
        var undated = DischargeSummaryData.DischargeSummary(world.RecipientCode);
        DocumentData.Composition(undated)["event"]![0]!["period"]!.AsObject().Remove("end");
        var outcome = await (await SubmitAsync(world.Sender, world.Patient, undated)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        // Firely names the element with its own indexing: Bundle.entry[0].resource[0].event[0].period[0].
        Assert.Contains(outcome["issue"]!.AsArray(), i => IsAt((string?)i!["expression"]?[0], ".event[0].period") && ((string?)i["details"]?["text"])?.Contains("'end'", StringComparison.Ordinal) == true);

        // Without the discharge diagnoses (退院時診断, section 344), a required structured section.
        var undiagnosed = DischargeSummaryData.DischargeSummary(world.RecipientCode);
        var subsections = DischargeSummaryData.StructuredSection(undiagnosed)["section"]!.AsArray();
        subsections.Remove(subsections.First(s => (string?)s!["code"]!["coding"]![0]!["code"] == "344"));
        var missing = await (await SubmitAsync(world.Sender, world.Patient, undiagnosed)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        // At the structured section (the Composition's third, after 紹介元 and 紹介先), naming the slice.
        Assert.Contains(missing["issue"]!.AsArray(), i => IsAt((string?)i!["expression"]?[0], ".section[2]")
            && ((string?)i["details"]?["text"])?.Contains("diagnosesOnDischargeSection", StringComparison.Ordinal) == true);

        Assert.Empty((await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    /// <summary>The expression points into the Composition (the Bundle's first entry) at <paramref name="element"/>.</summary>
    private static bool IsAt(string? expression, string element) =>
        expression is not null && expression.StartsWith("Bundle.entry[0].resource", StringComparison.Ordinal) && expression.Contains(element, StringComparison.Ordinal);
}

public sealed class SqliteDischargeSummaryTests(SqliteServerFixture server) : DischargeSummaryContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresDischargeSummaryTests(PostgresServerFixture server) : DischargeSummaryContract(server), IClassFixture<PostgresServerFixture>;
