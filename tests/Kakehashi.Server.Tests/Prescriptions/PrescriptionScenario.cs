using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.History;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Prescriptions.PrescriptionData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// What the prescription contracts share: a patient with a qualification, a hospital doctor and two
/// pharmacies, each with its own organization, and the calls their systems make.
/// </summary>
public abstract class PrescriptionScenario(ServerFixture server, ShiftedPrescriptionClock clock)
{
    protected ServerFixture Server => server;

    protected ShiftedPrescriptionClock Clock => clock;

    /// <summary>A patient with a qualification, a hospital doctor, two pharmacies.</summary>
    protected sealed record World(string Patient, string Insurer, string Symbol, string Number, HttpClient Doctor, string Hospital, HttpClient Pharmacy, string PharmacyCode, HttpClient OtherPharmacy, string OtherPharmacyCode, HttpClient InsurerClient) : IDisposable
    {
        public void Dispose()
        {
            Doctor.Dispose();
            Pharmacy.Dispose();
            OtherPharmacy.Dispose();
            InsurerClient.Dispose();
        }

        public JsonObject Document(params Line[] lines) => PrescriptionData.Document(Insurer, Symbol, Number, "00", lines);

        public JsonObject Refill(int repeats, params Line[] lines) => PrescriptionData.Document(Insurer, Symbol, Number, "00", lines, repeats);

        public JsonObject Card(string exchangeNumber) => new()
        {
            ["exchangeNumber"] = exchangeNumber,
            ["insurerNumber"] = Insurer,
            ["symbol"] = Symbol,
            ["number"] = Number,
            ["branch"] = "00",
        };
    }

    protected async Task<World> SetUpAsync()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        var insurerClient = server.CreateClient(insurer);
        var patient = (string)(await HistoryFixtures.CreatePatientAsync(insurerClient, "処方"))["id"]!;
        var number = Unique("N");
        await insurerClient.CreateAsync(HistoryFixtures.Qualification(patient, insurer.OrganizationCode, "記号", number, "00"));
        var doctor = await server.RegisterClientAsync("doctor", "hospital");
        var pharmacy = await server.RegisterClientAsync("pharmacist", "pharmacy");
        var other = await server.RegisterClientAsync("pharmacist", "pharmacy");
        return new World(patient, insurer.OrganizationCode, "記号", number, server.CreateClient(doctor), doctor.OrganizationCode,
            server.CreateClient(pharmacy), pharmacy.OrganizationCode, server.CreateClient(other), other.OrganizationCode, insurerClient);
    }

    protected static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, string json) =>
        client.SendAsync(HttpMethod.Post, url, json, mediaType: "application/json");

    protected static Task<HttpResponseMessage> RegisterAsync(HttpClient client, JsonObject document, bool sign = true) =>
        sign
            ? PostJsonAsync(client, "/prescriptions", Encoding.UTF8.GetString(TestHpki.Sign(document.ToJsonString(), TestHpki.Doctor)))
            : PostJsonAsync(client, "/prescriptions?paper=true", document.ToJsonString());

    protected static async Task<JsonNode> RegisteredAsync(HttpClient client, JsonObject document, bool sign = true) =>
        await (await RegisterAsync(client, document, sign)).ExpectAsync(HttpStatusCode.Created);

    protected static Task<HttpResponseMessage> RetrieveAsync(World world, HttpClient pharmacy, string exchangeNumber) =>
        PostJsonAsync(pharmacy, "/prescriptions/retrieve", world.Card(exchangeNumber).ToJsonString());

    protected static Task<HttpResponseMessage> DispenseAsync(HttpClient pharmacy, string id, params Line[] lines) =>
        PostJsonAsync(pharmacy, $"/prescriptions/{id}/dispense", Encoding.UTF8.GetString(TestHpki.Sign(Dispensing(lines).ToJsonString(), TestHpki.Pharmacist)));
}
