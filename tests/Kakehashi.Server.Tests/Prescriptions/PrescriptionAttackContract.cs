using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.History;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Prescriptions.PrescriptionData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// A second pharmacy, and tokens narrowed below what a call amounts to, try to reach or poison
/// prescriptions by the other doors: a narrowed scope, a conditional update, a search by the
/// prescription's identifier, a chain, a <c>_has</c>.
/// </summary>
public abstract class PrescriptionAttackContract(ServerFixture server, ShiftedPrescriptionClock clock) : PrescriptionScenario(server, clock)
{
    private async Task<(World World, string Id, string Dispense)> DispensedAsync()
    {
        var world = await SetUpAsync();
        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var id = (string)registered["id"]!;
        await (await RetrieveAsync(world, world.Pharmacy, (string)registered["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);
        var dispensed = await (await DispenseAsync(world.Pharmacy, id, new Line(Amlodipine, 28))).ExpectAsync(HttpStatusCode.Created);
        return (world, id, ((string)dispensed["dispenses"]![0]!)["MedicationDispense/".Length..]);
    }

    [Fact]
    public async Task NarrowedScopes_CannotRegister_Dispense_OrCheck()
    {
        using var world = await SetUpAsync();
        var readOnlyDoctor = await Server.RegisterClientAsync("doctor", "hospital", "system/MedicationRequest.rs");
        using var doctor = Server.CreateClient(readOnlyDoctor);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(doctor, world.Document(new Line(Amlodipine, 28)))).StatusCode);

        var patientOnly = await Server.RegisterClientAsync("doctor", "hospital", "system/Patient.rs");
        using var noMedication = Server.CreateClient(patientOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostJsonAsync(noMedication, "/prescriptions/check?patient=" + world.Patient, world.Document(new Line(Amlodipine, 28)).ToJsonString())).StatusCode);

        var registered = await RegisteredAsync(world.Doctor, world.Document(new Line(Amlodipine, 28)));
        var readingPharmacy = await Server.RegisterClientAsync("pharmacist", "pharmacy", "system/MedicationRequest.rs system/MedicationDispense.rs");
        using var pharmacy = Server.CreateClient(readingPharmacy);
        Assert.Equal(HttpStatusCode.Forbidden, (await RetrieveAsync(world, pharmacy, (string)registered["exchangeNumber"]!)).StatusCode);
        // The number is still open for a pharmacy allowed to take it.
        await (await RetrieveAsync(world, world.Pharmacy, (string)registered["exchangeNumber"]!)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherPharmacy_CannotOverwriteADispensing_ByAConditionalUpdate_NorFindIt_ByIdentifierOrHas()
    {
        var (world, id, dispense) = await DispensedAsync();
        using var _ = world;
        var identifier = Uri.EscapeDataString(KnownPrescriptionId + "|" + id);

        var byIdentifier = await (await world.OtherPharmacy.GetAsync("MedicationDispense?identifier=" + identifier)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(byIdentifier["entry"]?.AsArray() ?? []);
        var byHas = await (await world.OtherPharmacy.GetAsync("Patient?_has:MedicationDispense:patient:identifier=" + identifier)).BodyAsync();
        Assert.Empty(byHas["entry"]?.AsArray() ?? []);
        var byChain = await (await world.OtherPharmacy.GetAsync("MedicationDispense?patient.identifier=x&identifier=" + identifier)).BodyAsync();
        Assert.Empty(byChain["entry"]?.AsArray() ?? []);

        var overwrite = HistoryFixtures.Dispense(world.Patient, world.OtherPharmacyCode, [(Yj, Triazolam.Code)], DateTimeOffset.UtcNow.ToString("O"), Triazolam.Name);
        overwrite["identifier"] = new JsonArray(new JsonObject { ["system"] = KnownPrescriptionId, ["value"] = id });
        // The match runs within what the pharmacy can see: it finds nothing, and at most records a dispensing of its own.
        await world.OtherPharmacy.SendAsync(HttpMethod.Put, "MedicationDispense?identifier=" + identifier, overwrite.ToJsonString());

        var stored = await (await Server.Client.GetAsync("MedicationDispense/" + dispense)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)stored["meta"]!["versionId"]);
        Assert.Equal(Amlodipine.Code, (string?)stored["medicationCodeableConcept"]!["coding"]![0]!["code"]);
    }

    private const string KnownPrescriptionId = "http://kakehashi.jp/fhir/NamingSystem/prescription-id";
}

public sealed class SqlitePrescriptionAttackTests(PrescriptionSqliteFixture server) : PrescriptionAttackContract(server, server.Clock), IClassFixture<PrescriptionSqliteFixture>;

public sealed class PostgresPrescriptionAttackTests(PrescriptionPostgresFixture server) : PrescriptionAttackContract(server, server.Clock), IClassFixture<PrescriptionPostgresFixture>;
