using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// <c>POST /sharing/referrals</c>: the staff UI's referral form. The server composes the referral
/// (<see cref="ReferralComposer"/>) from the platform's Patient and the caller's institution and
/// name, then submits it exactly as a clinic's system would (validation, recipient, audit).
/// </summary>
public static class ReferralForm
{
    private const long MaxFormBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> SubmitAsync(
        HttpContext http, DocumentService service, IResourceStore resources, SecurityStore security, IQualificationRegistry qualifications, TimeProvider time)
    {
        var request = http.Guarded();
        var caller = request.Caller;
        DocumentAccess.RequireSender(caller, DocumentKinds.Referral);
        var body = await JsonBodies.ReadBytesAsync(http, MaxFormBytes, json: true);
        ReferralRequest form;
        try
        {
            form = JsonSerializer.Deserialize<ReferralRequest>(body, Options) ?? new ReferralRequest();
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest("The body is not the referral form's JSON: " + e.Message, e.Path);
        }

        var patientId = form.Patient?.Replace("Patient/", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(patientId))
        {
            throw FhirException.BadRequest("patient is the platform's Patient id.", "patient");
        }

        var stored = await resources.ReadAsync("Patient", patientId, http.RequestAborted);
        if (stored is null || stored.IsDeleted)
        {
            throw FhirException.NotFound($"Patient/{patientId} is not known.");
        }

        var now = time.GetUtcNow();
        var patient = JsonNode.Parse(stored.Json)!.AsObject();
        var memberId = ReferralPatient.StoredMemberId(patient)
            ?? (await qualifications.InsuredNumberAsync(patientId, DateOnly.FromDateTime(now.ToOffset(JapanTime.Offset).Date), http.RequestAborted) is { } insured
                ? ReferralPatient.MemberId(insured)
                : throw FhirException.Unprocessable(
                    $"Patient/{patientId} has no health-insurance qualification in force: a referral names the patient by the insured number (保険者番号:記号:番号:枝番). Check the patient's eligibility (資格確認) first.",
                    "patient"));

        var code = caller.OrganizationCode!;
        var organization = await security.FindOrganizationAsync(code, http.RequestAborted);
        var author = caller.Kind == CallerKind.System
            ? (await security.FindClientAsync(caller.Subject, http.RequestAborted))?.DisplayName
            : (await security.FindAccountAsync(caller.Subject, http.RequestAborted))?.DisplayName;
        var bundle = ReferralComposer.Compose(form, patientId, patient, memberId, new ReferralSender(code, organization?.Name ?? code, author ?? caller.Subject), now);
        var row = await service.SubmitAsync(caller, patientId, null, Encoding.UTF8.GetBytes(bundle.ToJsonString()), http.RequestAborted);
        request.AddPatientReference(row.PatientKey);
        http.Response.Headers.Location = "/sharing/documents/" + row.Id;
        return DocumentEndpoints.Json(DocumentJson.Metadata(row), StatusCodes.Status201Created);
    }
}
