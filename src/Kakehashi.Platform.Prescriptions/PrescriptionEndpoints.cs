using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The prescription endpoints (docs/prescriptions.md). Each is authorized as the FHIR access it
/// amounts to (the role policy and the token's scopes), then by job type and organization in
/// <see cref="PrescriptionAccess"/>; each call is audited by the endpoint filter with the patient
/// it concerns (a reference, never a name or number); bodies are not recorded.
/// </summary>
public static class PrescriptionEndpoints
{
    /// <summary>A retrieval carries an exchange number and the insurance card's fields.</summary>
    private const long MaxRetrieveBytes = 16 * 1024;

    public static void MapPrescriptionEndpoints(this WebApplication app)
    {
        var group = app.MapGuardedGroup("/prescriptions");
        group.MapPost("/check", CheckAsync).RequireAccess(As("prescription-check", "E", "check prescriptions", new FhirGrant("MedicationRequest", "r")));
        group.MapPost("/", RegisterAsync).RequireAccess(As("prescription-register", "C", "register prescriptions", new FhirGrant("MedicationRequest", "c")));
        group.MapGet("/", ListAsync).RequireAccess(As("prescription-list", "R", "list prescriptions", new FhirGrant("MedicationRequest", "r")));
        group.MapGet("/{id}", ReadAsync).RequireAccess(As("prescription-read", "R", "read prescriptions", new FhirGrant("MedicationRequest", "r")));
        group.MapPost("/retrieve", RetrieveByNumberAsync).RequireAccess(As("prescription-retrieve", "U", "retrieve prescriptions", new FhirGrant("MedicationRequest", "r"), new FhirGrant("MedicationDispense", "c")));
        group.MapPost("/{id}/retrieve", RetrieveByConsentAsync).RequireAccess(As("prescription-retrieve", "U", "retrieve prescriptions", new FhirGrant("MedicationRequest", "r"), new FhirGrant("MedicationDispense", "c")));
        group.MapPost("/{id}/hand-back", HandBackAsync).RequireAccess(As("prescription-hand-back", "U", "hand back prescriptions", new FhirGrant("MedicationDispense", "c")));
        group.MapPost("/{id}/dispense", DispenseAsync).RequireAccess(As("prescription-dispense", "C", "register dispensing results", new FhirGrant("MedicationDispense", "c")));
        group.MapPost("/{id}/cancel", CancelAsync).RequireAccess(As("prescription-cancel", "U", "cancel prescriptions", new FhirGrant("MedicationRequest", "u")));
        group.MapPrescriptionAdministration();
        DemoSigning.Map(group);
    }

    private static EndpointAccess As(string interaction, string action, string purpose, params FhirGrant[] grants) =>
        EndpointAccess.AsFhir(interaction, action, purpose, grants);

    private static async Task<IResult> CheckAsync(HttpContext http, PrescriptionService service, PrescriptionJson json, IOptions<KakehashiOptions> limits, string? patient)
    {
        var request = http.Guarded();
        var body = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
        var result = await service.CheckDraftAsync(request.Caller, body, patient, http.RequestAborted);
        request.AddPatient(result.PatientId);
        return Json(json.Check(result, final: false));
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, PrescriptionService service, PrescriptionJson json, PrescriptionClock clock, IOptions<KakehashiOptions> limits, bool? paper)
    {
        var request = http.Guarded();
        var body = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
        var registration = await service.RegisterAsync(request.Caller, body, paper == true, http.RequestAborted);
        request.AddPatientReference(registration.Prescription.PatientKey);
        var answer = PrescriptionJson.Summary(registration.Prescription, clock.Today);
        answer["check"] = json.Check(registration.Check, final: true);
        http.Response.Headers.Location = "/prescriptions/" + registration.Prescription.Id;
        return Json(answer, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, PrescriptionService service, PrescriptionStore store, PrescriptionClock clock, string? patient, string? issued, string? held)
    {
        var request = http.Guarded();
        var caller = request.Caller;
        IReadOnlyList<PrescriptionRow> rows;
        if (caller.Role == Kakehashi.Fhir.Security.KnownRoles.Patient)
        {
            // A patient lists their own prescriptions, whatever their state; nobody else's.
            var own = caller.PatientId ?? throw FhirException.Forbidden("This account is not linked to a patient record.");
            if (patient is not null && patient != own)
            {
                throw FhirException.Forbidden("A patient sees only their own prescriptions.");
            }

            rows = await store.ForPatientAsync("Patient/" + own, 100, http.RequestAborted);
        }
        else if (patient is not null)
        {
            rows = await service.OpenForPatientAsync(caller, patient, http.RequestAborted);
        }
        else if (issued == "mine")
        {
            rows = await store.IssuedByAsync(PrescriptionAccess.RequirePrescriber(caller), 100, http.RequestAborted);
        }
        else if (held == "mine")
        {
            rows = await store.HeldByAsync(PrescriptionAccess.RequirePharmacist(caller), 100, http.RequestAborted);
        }
        else
        {
            throw FhirException.BadRequest("List by 'patient' (a pharmacy with the patient's card consent), 'issued=mine' (a prescriber) or 'held=mine' (a pharmacy); a patient lists their own.");
        }

        var today = clock.Today;
        var items = new JsonArray();
        foreach (var row in rows)
        {
            request.AddPatientReference(row.PatientKey);
            items.Add(PrescriptionJson.WithDocument(row, today));
        }

        return Json(new JsonObject { ["items"] = items });
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, PrescriptionStore store, PrescriptionClock clock, Kakehashi.Fhir.Storage.IResourceStore resources)
    {
        var request = http.Guarded();
        var row = await store.FindAsync(id, null, http.RequestAborted) ?? throw FhirException.NotFound("No such prescription.");
        var dispensings = await store.DispensingsAsync(id, http.RequestAborted);
        PrescriptionAccess.RequireReader(request.Caller, row, dispensings);
        request.AddPatientReference(row.PatientKey);
        var answer = PrescriptionJson.WithDocument(row, clock.Today);
        var uses = new JsonArray();
        foreach (var dispensing in dispensings)
        {
            var dispenses = new JsonArray();
            foreach (var dispenseId in dispensing.DispenseIds)
            {
                if (await resources.ReadAsync("MedicationDispense", dispenseId, http.RequestAborted) is { IsDeleted: false } stored)
                {
                    dispenses.Add(JsonNode.Parse(stored.Json));
                }
            }

            uses.Add(new JsonObject
            {
                ["use"] = dispensing.UseNumber,
                ["pharmacy"] = dispensing.PharmacyCode,
                ["dispensed"] = PrescriptionStore.Day(dispensing.DispensedDay),
                ["electronic"] = dispensing.Electronic,
                ["timeStamp"] = dispensing.TimeStamp,
                ["dispenses"] = dispenses,
            });
        }

        answer["dispensings"] = uses;
        return Json(answer);
    }

    private static async Task<IResult> RetrieveByNumberAsync(HttpContext http, PrescriptionService service, PrescriptionJson json, PrescriptionClock clock)
    {
        var request = http.Guarded();
        var body = await JsonBodies.ReadBytesAsync(http, MaxRetrieveBytes, json: true);
        RetrieveRequest input;
        try
        {
            input = JsonSerializer.Deserialize(body, PrescriptionJsonContext.Default.RetrieveRequest) ?? new RetrieveRequest();
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest("The body is not the expected JSON: " + e.Message, e.Path);
        }

        var number = Kakehashi.Platform.InsuranceNumbers.Canonical(input.ExchangeNumber ?? "");
        if (number.Length != 6 || !number.All(char.IsAsciiDigit))
        {
            throw FhirException.BadRequest("The exchange number (引換番号) has 6 digits.", "exchangeNumber");
        }

        var insured = InsuredNumber.From(input.InsurerNumber, input.Symbol, input.Number, input.Branch, "insured", System.Net.HttpStatusCode.BadRequest);
        var retrieval = await service.RetrieveByNumberAsync(request.Caller, number, insured, http.RequestAborted);
        return Retrieved(request, json, clock, retrieval);
    }

    private static async Task<IResult> RetrieveByConsentAsync(HttpContext http, string id, PrescriptionService service, PrescriptionJson json, PrescriptionClock clock)
    {
        var request = http.Guarded();
        var retrieval = await service.RetrieveByConsentAsync(request.Caller, id, http.RequestAborted);
        return Retrieved(request, json, clock, retrieval);
    }

    private static IResult Retrieved(GuardedRequest request, PrescriptionJson json, PrescriptionClock clock, CheckedPrescription retrieval)
    {
        request.AddPatientReference(retrieval.Prescription.PatientKey);
        var answer = PrescriptionJson.WithDocument(retrieval.Prescription, clock.Today);
        answer["check"] = json.Check(retrieval.Check, final: false);
        return Json(answer);
    }

    private static async Task<IResult> HandBackAsync(HttpContext http, string id, PrescriptionService service, PrescriptionClock clock)
    {
        var request = http.Guarded();
        var row = await service.HandBackAsync(request.Caller, id, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        return Json(PrescriptionJson.Summary(row, clock.Today));
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string id, PrescriptionService service, PrescriptionClock clock)
    {
        var request = http.Guarded();
        var row = await service.CancelAsync(request.Caller, id, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        return Json(PrescriptionJson.Summary(row, clock.Today));
    }

    private static async Task<IResult> DispenseAsync(HttpContext http, string id, PrescriptionService service, PrescriptionJson json, PrescriptionClock clock, IOptions<KakehashiOptions> limits)
    {
        var request = http.Guarded();
        var body = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
        var dispensing = await service.DispenseAsync(request.Caller, id, body, http.RequestAborted);
        request.AddPatientReference(dispensing.Prescription.PatientKey);
        var answer = PrescriptionJson.Summary(dispensing.Prescription, clock.Today);
        answer["dispenses"] = new JsonArray([.. dispensing.DispenseIds.Select(d => (JsonNode)JsonValue.Create("MedicationDispense/" + d))]);
        answer["check"] = json.Check(dispensing.Check, final: true);
        return Json(answer, StatusCodes.Status201Created);
    }

    internal static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(node.ToJsonString(), "application/json; charset=utf-8", System.Text.Encoding.UTF8, status);
}

/// <summary>A pharmacy's retrieval by exchange number: the number and the insurance card's fields (保険者番号・記号・番号・枝番).</summary>
public sealed record RetrieveRequest
{
    public string? ExchangeNumber { get; init; }

    public string? InsurerNumber { get; init; }

    public string? Symbol { get; init; }

    public string? Number { get; init; }

    public string? Branch { get; init; }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(RetrieveRequest))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
internal sealed partial class PrescriptionJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
