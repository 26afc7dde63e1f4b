using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// Everyone who is not the patient, the patient's current insurer or an institution with the
/// patient's <c>checkup</c> consent tries to read a checkup report: another insurer (one with insured
/// persons of its own, a former insurer, a future one, one whose Coverage was deleted), a pharmacy,
/// a municipality, another patient. By id the report is 404, answered exactly as an id that does not
/// exist, or 403 for a role that reads no shared documents at all; the list by patient is 403, the
/// same whether or not the patient exists. And the patient's insurer never reads a referral.
/// </summary>
public abstract class CheckupAttackContract(ServerFixture server) : CheckupScenario(server)
{
    [Fact]
    public async Task AnotherInsurer_GetsNotFound_AndCannotList()
    {
        using var checkup = await CheckupAsync();
        // A real insurer, with an insured person of its own.
        var otherClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        using var other = Server.CreateClient(otherClient);
        var ownInsured = (string)(await Operator.CreateAsync(DocumentData.CheckupPatient(Unique("他保険"))))["id"]!;
        await TestInsurance.InsureAsync(Operator, ownInsured, otherClient.OrganizationCode);

        Assert.Equal(await UnknownDocumentAsync(other), await (await other.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectOutcomeAsync(HttpStatusCode.NotFound));
        var refused = await (await other.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        // The refusal is the same for a patient that does not exist: no oracle for who is insured where.
        var missing = "nobody" + Guid.NewGuid().ToString("N")[..8];
        var refusedMissing = await (await other.GetAsync($"/sharing/checkup-reports?patient={missing}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(refused.Replace(checkup.Patient, "ID", StringComparison.Ordinal), refusedMissing.Replace(missing, "ID", StringComparison.Ordinal));
        // Its own insured person's list is open to it, and holds nothing of the other patient.
        Assert.Empty(await CheckupIdsAsync(other, ownInsured));

        // The refused look is on record against the patient.
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + checkup.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["agent"] == otherClient.ClientId && (string?)r["record"]!["interaction"] == "document-checkup-reports"
            && (int)r["record"]!["outcome"]! == 403);
        // The patient's own insurer still reads it.
        await (await checkup.Insurer.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AFormerInsurer_AFutureOne_AndOneWhoseCoverageWasDeleted_ReadNothing()
    {
        using var checkup = await CheckupAsync();
        var former = await Server.RegisterClientAsync("insurer-staff", "insurer");
        await TestInsurance.InsureAsync(Operator, checkup.Patient, former.OrganizationCode, "2015-04-01", "2019-03-31");
        var future = await Server.RegisterClientAsync("insurer-staff", "insurer");
        var nextYear = DateTime.UtcNow.Year + 1;
        await TestInsurance.InsureAsync(Operator, checkup.Patient, future.OrganizationCode, $"{nextYear}-04-01");
        var deleted = await Server.RegisterClientAsync("insurer-staff", "insurer");
        var coverage = await TestInsurance.InsureAsync(Operator, checkup.Patient, deleted.OrganizationCode);
        using var deletedInsurer = Server.CreateClient(deleted);
        await (await deletedInsurer.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectAsync(HttpStatusCode.OK);
        await (await Operator.DeleteAsync($"Coverage/{coverage}")).ExpectAsync(HttpStatusCode.NoContent);

        foreach (var client in new[] { former, future, deleted })
        {
            using var insurer = Server.CreateClient(client);
            Assert.Equal(await UnknownDocumentAsync(insurer), await (await insurer.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectOutcomeAsync(HttpStatusCode.NotFound));
            await (await insurer.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task APharmacy_AndAMunicipality_CannotReadTheCheckupReport()
    {
        using var checkup = await CheckupAsync();

        // A pharmacy clerk passes the role gate; without the patient's checkup consent the report is not there.
        var pharmacyClerk = await Server.RegisterClientAsync("clerk", "pharmacy");
        using var clerk = Server.CreateClient(pharmacyClerk);
        // Consent to the other categories is not consent to the checkups.
        await TestConsents.GrantAsync(Operator, checkup.Patient, pharmacyClerk.OrganizationCode, "medication", "documents", "clinical-items");
        Assert.Equal(await UnknownDocumentAsync(clerk), await (await clerk.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectOutcomeAsync(HttpStatusCode.NotFound));
        await (await clerk.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // A pharmacist and municipal staff read no shared documents at all.
        using var pharmacist = Server.CreateClient(await Server.RegisterClientAsync("pharmacist", "pharmacy"));
        using var municipality = Server.CreateClient(await Server.RegisterClientAsync("municipal-staff", "municipality"));
        foreach (var client in new[] { pharmacist, municipality })
        {
            var body = await (await client.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
            Assert.DoesNotContain(checkup.Patient, body, StringComparison.Ordinal);
            await (await client.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task APatient_ReadsTheirOwnReport_NotAnotherPatients()
    {
        using var mine = await CheckupAsync();
        using var theirs = await CheckupAsync();
        using var me = await PatientClientAsync(mine.Patient);

        var own = await (await me.GetAsync($"/sharing/documents/{mine.Report}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Bundle", (string?)own["document"]!["resourceType"]);
        Assert.Equal(await UnknownDocumentAsync(me), await (await me.GetAsync($"/sharing/documents/{theirs.Report}")).ExpectOutcomeAsync(HttpStatusCode.NotFound));
        await (await me.GetAsync($"/sharing/checkup-reports?patient={theirs.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal([mine.Report], await CheckupIdsAsync(me, mine.Patient));
    }

    [Fact]
    public async Task ThePatientsInsurer_NeverReadsAReferral_OfItsInsured()
    {
        using var world = await SetUpAsync();
        var insurerClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurer = Server.CreateClient(insurerClient);
        await TestInsurance.InsureAsync(Operator, world.Patient, insurerClient.OrganizationCode);
        var id = (string)(await SubmittedAsync(world.Sender, world.Patient, DocumentData.Referral(world.RecipientCode)))["id"]!;
        await TestConsents.GrantAsync(Operator, world.Patient, world.RecipientCode, "documents");
        await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(await UnknownDocumentAsync(insurer), await (await insurer.GetAsync($"/sharing/documents/{id}")).ExpectOutcomeAsync(HttpStatusCode.NotFound));
        Assert.Empty(await CheckupIdsAsync(insurer, world.Patient));
    }
}

public sealed class SqliteCheckupAttackTests(SqliteServerFixture server) : CheckupAttackContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCheckupAttackTests(PostgresServerFixture server) : CheckupAttackContract(server), IClassFixture<PostgresServerFixture>;
