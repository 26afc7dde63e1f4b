using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// What the checkup-report contracts share: a patient insured by an insurer (a Coverage under its
/// number), and a checkup report about them submitted by the clinic that ran the checkup — not by
/// the insurer.
/// </summary>
public abstract class CheckupScenario(ServerFixture server) : DocumentScenario(server)
{
    protected sealed record Checkup(string Patient, string Report, TestSystemClient InsurerClient, HttpClient Insurer, HttpClient Institution, string InstitutionCode) : IDisposable
    {
        public void Dispose()
        {
            Insurer.Dispose();
            Institution.Dispose();
        }
    }

    /// <summary>A new insured patient (the checkup example's person) and a report on them from a clinic.</summary>
    protected async Task<Checkup> CheckupAsync()
    {
        var patient = (string)(await Operator.CreateAsync(DocumentData.CheckupPatient(Unique("健診"))))["id"]!;
        var insurerClient = await Server.RegisterClientAsync("insurer-staff", "insurer");
        await TestInsurance.InsureAsync(Operator, patient, insurerClient.OrganizationCode);
        var institutionClient = await Server.RegisterClientAsync("doctor", "clinic");
        var institution = Server.CreateClient(institutionClient);
        var report = (string)(await SubmitCheckupAsync(institution, patient, institutionClient.OrganizationCode, insurerClient.OrganizationCode))["id"]!;
        return new Checkup(patient, report, insurerClient, Server.CreateClient(insurerClient), institution, institutionClient.OrganizationCode);
    }

    /// <summary>
    /// Submits the checkup example about <paramref name="patient"/> with its own identifier (or
    /// <paramref name="identifier"/>, for a correction: the sharing service keys on the Composition's,
    /// the checkup history on the Bundle's); returns the answer's metadata.
    /// </summary>
    protected static async Task<System.Text.Json.Nodes.JsonNode> SubmitCheckupAsync(HttpClient submitter, string patient, string institution, string insurer, string? identifier = null)
    {
        var report = DocumentData.Checkup(institution, insurer);
        identifier ??= Unique("checkup");
        DocumentData.Composition(report)["identifier"]!["value"] = identifier;
        report["identifier"]!["value"] = identifier;
        return await SubmittedAsync(submitter, patient, report);
    }

    /// <summary>The patient portal's client of <paramref name="patient"/>, signed in through the real login flow.</summary>
    protected async Task<HttpClient> PatientClientAsync(string patient)
    {
        var account = await Server.CreateAccountAsync("patient", Server.OperatorCode, patient);
        var (token, _) = await Server.LoginAsync(account, "patient/*.rs");
        return Server.CreateClientWithToken(token);
    }

    protected static async Task<List<string>> CheckupIdsAsync(HttpClient client, string patient) =>
        [.. (await (await client.GetAsync($"/sharing/checkup-reports?patient={patient}")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(i => (string)i!["id"]!)];

    /// <summary>The answer to an id nobody has: what a hidden document must look like.</summary>
    protected static async Task<string> UnknownDocumentAsync(HttpClient client) =>
        await (await client.GetAsync($"/sharing/documents/{Guid.NewGuid():N}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
}
