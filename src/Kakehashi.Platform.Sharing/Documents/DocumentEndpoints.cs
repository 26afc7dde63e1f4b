using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// The document endpoints (docs/sharing.md "Documents"). Each is reserved to the roles that take
/// part in document exchange, then checked by job type and organization in <see cref="DocumentAccess"/>;
/// each call is audited by the endpoint filter with the patient it concerns (a reference only).
/// </summary>
public static class DocumentEndpoints
{
    private static readonly string[] Senders = [KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Nurse, KnownRoles.Clerk, KnownRoles.InsurerStaff, KnownRoles.System];
    private static readonly string[] Staff = [KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Nurse, KnownRoles.Clerk, KnownRoles.System];
    private static readonly string[] Readers = [KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Nurse, KnownRoles.Clerk, KnownRoles.InsurerStaff, KnownRoles.Patient, KnownRoles.System];

    public static void MapDocumentEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/documents", SubmitAsync).RequireAccess(EndpointAccess.ForRoles("document-submit", "C", "submit shared documents", Senders));
        group.MapPost("/referrals", ReferralForm.SubmitAsync).RequireAccess(EndpointAccess.ForRoles("document-submit", "C", "write referral letters", KnownRoles.Doctor, KnownRoles.Dentist));
        group.MapGet("/inbox", InboxAsync).RequireAccess(EndpointAccess.ForRoles("document-inbox", "R", "list the document inbox", Staff));
        group.MapGet("/sent", SentAsync).RequireAccess(EndpointAccess.ForRoles("document-sent", "R", "list sent documents", Senders));
        group.MapGet("/documents/{id}", ReadAsync).RequireAccess(EndpointAccess.ForRoles("document-read", "R", "read shared documents", Readers));
        group.MapGet("/checkup-reports", CheckupReportsAsync).RequireAccess(EndpointAccess.ForRoles("document-checkup-reports", "R", "list a patient's checkup reports", Readers));
        group.MapPost("/documents/{id}/retrieve", RetrieveAsync).RequireAccess(EndpointAccess.ForRoles("document-retrieve", "R", "retrieve shared documents", Staff));
        group.MapPost("/documents/{id}/acknowledge", AcknowledgeAsync).RequireAccess(EndpointAccess.ForRoles("document-acknowledge", "U", "acknowledge shared documents", Staff));
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, DocumentService service, IOptions<KakehashiOptions> limits, string? patient, string? replaces)
    {
        var request = http.Guarded();
        var body = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
        var row = await service.SubmitAsync(request.Caller, patient, replaces, body, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        http.Response.Headers.Location = "/sharing/documents/" + row.Id;
        return Json(DocumentJson.Metadata(row), StatusCodes.Status201Created);
    }

    private static async Task<IResult> InboxAsync(HttpContext http, DocumentService service, string? status)
    {
        var request = http.Guarded();
        var rows = await service.InboxAsync(request.Caller, status, http.RequestAborted);
        foreach (var row in rows)
        {
            request.AddPatientReference(row.PatientKey);
        }

        return Json(DocumentJson.List(rows));
    }

    private static async Task<IResult> SentAsync(HttpContext http, DocumentService service)
    {
        var request = http.Guarded();
        var rows = await service.SentAsync(request.Caller, http.RequestAborted);
        foreach (var row in rows)
        {
            request.AddPatientReference(row.PatientKey);
        }

        return Json(DocumentJson.List(rows));
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, DocumentService service)
    {
        var request = http.Guarded();
        var row = await service.ReadAsync(request.Caller, id, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        return Json(DocumentJson.WithDocument(row));
    }

    private static async Task<IResult> CheckupReportsAsync(HttpContext http, DocumentService service, string? patient)
    {
        var request = http.Guarded();
        // The patient asked about is audited whatever the answer: a refused look at someone's checkups is on record too.
        if (!string.IsNullOrEmpty(patient))
        {
            request.AddPatient(patient);
        }

        var rows = await service.CheckupReportsAsync(request.Caller, patient, http.RequestAborted);
        return Json(DocumentJson.List(rows));
    }

    private static async Task<IResult> RetrieveAsync(HttpContext http, string id, DocumentService service)
    {
        var request = http.Guarded();
        var row = await service.RetrieveAsync(request.Caller, id, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        return Json(DocumentJson.WithDocument(row));
    }

    private static async Task<IResult> AcknowledgeAsync(HttpContext http, string id, DocumentService service)
    {
        var request = http.Guarded();
        var row = await service.AcknowledgeAsync(request.Caller, id, http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        return Json(DocumentJson.Metadata(row));
    }

    internal static IResult Json(System.Text.Json.Nodes.JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(node.ToJsonString(), "application/json; charset=utf-8", System.Text.Encoding.UTF8, status);
}
