using System.Net;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// A third institution — holding the patient's <c>documents</c> consent — tries every door to a
/// referral addressed to someone else: the inbox, the id, retrieval, acknowledgement, and FHIR
/// searches for Bundle, Composition and DocumentReference, by identifier, by <c>_has</c>, by chain.
/// The referral is never its to see, and an id it may not see is 404, not 403.
/// </summary>
public abstract class DocumentAttackContract(ServerFixture server) : DocumentScenario(server)
{
    private async Task<(World World, string Id, string Identifier)> ReferredAsync()
    {
        var world = await SetUpAsync();
        var identifier = "1311234567-2021-" + Guid.NewGuid().ToString("N")[..10];
        var id = (string)(await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode, identifier)))["id"]!;
        await TestConsents.GrantAsync(Operator, world.Patient, world.ThirdCode, "documents", "clinical-items");
        return (world, id, identifier);
    }

    [Fact]
    public async Task ThirdInstitution_WithConsent_NeverSeesAReferralNotAddressedToIt()
    {
        var (world, id, _) = await ReferredAsync();
        using var _w = world;
        Assert.Empty(await InboxIdsAsync(world.Third));
        Assert.Equal(HttpStatusCode.NotFound, (await world.Third.GetAsync($"/sharing/documents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(world.Third, $"/sharing/documents/{id}/retrieve")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(world.Third, $"/sharing/documents/{id}/acknowledge")).StatusCode);
        // An unknown id answers the same.
        Assert.Equal(HttpStatusCode.NotFound, (await world.Third.GetAsync($"/sharing/documents/{Guid.NewGuid():N}")).StatusCode);
        // The referral is still there for its recipient.
        Assert.Equal([id], await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task ThirdInstitution_CannotCorrectOrSupersede_AnotherSendersReferral()
    {
        var (world, id, identifier) = await ReferredAsync();
        using var _w = world;
        Assert.Equal(HttpStatusCode.NotFound, (await SubmitAsync(world.Third, world.Patient, DocumentData.Referral(world.ThirdCode, identifier), id)).StatusCode);
        // The same document identifier from another sender is its own document, not a correction.
        var own = await SubmittedAsync(world.Third, world.Patient, DocumentData.Referral(world.RecipientCode, identifier));
        Assert.Null(own["replaces"]);
        var original = await (await world.Sender.GetAsync($"/sharing/documents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)original["superseded"]!);
    }

    [Fact]
    public async Task ThirdInstitution_FindsNothing_ThroughFhirSearch()
    {
        var (world, id, identifier) = await ReferredAsync();
        using var _w = world;
        string[] searches =
        [
            $"Bundle?identifier={identifier}",
            $"Bundle?_id={id}",
            $"Composition?patient=Patient/{world.Patient}",
            $"Composition?identifier={identifier}",
            $"DocumentReference?patient=Patient/{world.Patient}",
            $"Patient?_has:Composition:subject:type=57133-1",
            $"Patient?_id={world.Patient}&_has:Composition:patient:identifier={identifier}",
            "Composition?subject:Patient.birthdate=1930-06-28",
            "Composition?type=57133-1",
        ];
        foreach (var search in searches)
        {
            using var response = await world.Third.GetAsync(search);
            // The query is echoed in the Bundle's self link; the entries must hold nothing of the referral.
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var entries = System.Text.Json.Nodes.JsonNode.Parse(body)!["entry"]?.AsArray() ?? [];
                Assert.DoesNotContain(entries, e => (string?)e!["resource"]!["resourceType"] is "Bundle" or "Composition" or "DocumentReference");
                Assert.DoesNotContain(identifier, entries.ToJsonString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain(identifier, body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task SenderAndRecipientOnly_ThePatientsOtherViewsDoNotLeakIt()
    {
        var (world, id, _) = await ReferredAsync();
        using var _w = world;
        // The recipient's listing shows metadata only; the document comes with retrieval.
        var inbox = await (await world.Recipient.GetAsync("/sharing/inbox")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(inbox["items"]![0]!["document"]);
        // The third institution's sent list does not show what others sent.
        var sent = await (await world.Third.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(sent["items"]!.AsArray(), i => (string?)i!["id"] == id);
        // An insurer and a pharmacy get 404 too.
        var insurerClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = Server.CreateClient(insurerClient);
        Assert.Equal(HttpStatusCode.NotFound, (await insurer.GetAsync($"/sharing/documents/{id}")).StatusCode);
    }
}

public sealed class SqliteDocumentAttackTests(SqliteServerFixture server) : DocumentAttackContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresDocumentAttackTests(PostgresServerFixture server) : DocumentAttackContract(server), IClassFixture<PostgresServerFixture>;
