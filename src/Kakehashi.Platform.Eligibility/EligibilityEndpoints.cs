using System.Globalization;
using System.Text.Json;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// The compact JSON endpoints (docs/eligibility.md): one check at <c>POST /eligibility/check</c>,
/// bulk pre-checks at <c>/eligibility/prechecks</c> and qualification uploads at
/// <c>/eligibility/uploads</c> (asynchronous: 202 with a job id, then GET the job). Authorized as
/// the FHIR operations are and audited by the endpoint filter, whose rows name the patients
/// found (a reference, never a name, number or birth date); the bodies are not recorded.
/// </summary>
public static class EligibilityEndpoints
{
    /// <summary>A check carries at most a certificate (~2 kB) and a few fields.</summary>
    private const long MaxCheckBytes = 64 * 1024;

    public static void MapEligibilityEndpoints(this WebApplication app)
    {
        var eligibility = app.MapGuardedGroup("/eligibility");
        eligibility.MapPost("/check", CheckAsync).RequireAccess(Checking(ReceptionList.CheckInteraction));
        eligibility.MapGet("/today", async (HttpContext http, ReceptionList list) =>
        {
            var caller = http.Caller();
            EligibilityAccess.RequireReception(caller);
            var today = await list.TodayAsync(caller, http.RequestAborted);
            // Reading the queue is reading these patients' demographics: each is in the audit row.
            var request = http.Guarded();
            foreach (var entry in today)
            {
                request.AddPatient(entry.Patient.Id);
            }

            return Results.Ok(today);
        }).RequireAccess(Checking("eligibility-today"));
        eligibility.MapPost("/prechecks", SubmitPrecheckAsync).RequireAccess(Checking("eligibility-precheck-submit"));
        eligibility.MapGet("/prechecks/{id}", (HttpContext http, string id, int? offset, int? count, EligibilityJobs jobs) =>
            ReadJobAsync(http, id, EligibilityJob.Precheck, offset, count, jobs)).RequireAccess(Checking("eligibility-precheck-results"));
        eligibility.MapPost("/uploads", SubmitUploadAsync).RequireAccess(Uploading("eligibility-upload-submit"));
        eligibility.MapGet("/uploads/{id}", (HttpContext http, string id, int? offset, int? count, EligibilityJobs jobs) =>
            ReadJobAsync(http, id, EligibilityJob.Upload, offset, count, jobs)).RequireAccess(Uploading("eligibility-upload-results"));
    }

    private static EndpointAccess Checking(string interaction) =>
        EndpointAccess.AsFhir(interaction, "E", EligibilityAccess.CheckPurpose, EligibilityAccess.Check);

    private static EndpointAccess Uploading(string interaction) =>
        EndpointAccess.AsFhir(interaction, "E", EligibilityAccess.UploadPurpose, EligibilityAccess.Upload);

    private static async Task<IResult> SubmitPrecheckAsync(
        HttpContext http, EligibilityJobs jobs, EligibilityJobWorker worker, IOptions<EligibilityOptions> options, IOptions<KakehashiOptions> limits)
    {
        var caller = http.Caller();
        EligibilityAccess.RequireReception(caller);
        var input = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
        PrecheckRequest request;
        try
        {
            request = JsonSerializer.Deserialize(input, EligibilityJson.Relaxed.PrecheckRequest) ?? new PrecheckRequest();
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest("The body is not the expected JSON: " + e.Message, e.Path);
        }

        var count = request.Items?.Count ?? 0;
        if (count == 0 || count > options.Value.MaxPrecheckItems)
        {
            throw FhirException.BadRequest($"A pre-check lists from 1 to {options.Value.MaxPrecheckItems} patients in 'items'.", "items");
        }

        var job = await jobs.CreateAsync(EligibilityJob.Precheck, "json", caller, count, input, http.RequestAborted);
        worker.Wake();
        http.Response.Headers.Location = "/eligibility/prechecks/" + job.Id;
        return new JsonBodyResult<JobOutput>(job.ToOutput(), EligibilityJson.Relaxed.JobOutput, StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SubmitUploadAsync(HttpContext http, EligibilityJobs jobs, EligibilityJobWorker worker, IOptions<KakehashiOptions> limits)
    {
        var caller = http.Caller();
        EligibilityAccess.RequireInsurer(caller);
        var format = UploadRows.Format(http.Request.ContentType)
            ?? throw FhirException.UnsupportedMediaType("Upload text/csv (the documented layout) or application/fhir+ndjson (one Patient or Coverage per line).");
        var input = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: false);
        // The whole file is read once now: an unreadable file (not UTF-8, a wrong CSV header) is refused before any row runs.
        var total = UploadRows.Read(format, UploadRows.Text(input)).Count();
        if (total == 0)
        {
            throw FhirException.BadRequest("The file has no rows.");
        }

        var job = await jobs.CreateAsync(EligibilityJob.Upload, format, caller, total, input, http.RequestAborted);
        worker.Wake();
        http.Response.Headers.Location = "/eligibility/uploads/" + job.Id;
        return new JsonBodyResult<JobOutput>(job.ToOutput(), EligibilityJson.Relaxed.JobOutput, StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ReadJobAsync(HttpContext http, string id, string kind, int? offset, int? count, EligibilityJobs jobs)
    {
        var request = http.Guarded();
        if (kind == EligibilityJob.Precheck)
        {
            EligibilityAccess.RequireReception(request.Caller);
        }
        else
        {
            EligibilityAccess.RequireInsurer(request.Caller);
        }

        var job = await jobs.FindAsync(id, http.RequestAborted);
        if (job is null || job.Kind != kind)
        {
            throw FhirException.NotFound("No such job.");
        }

        EligibilityAccess.AuthorizeJobRead(request.Caller, job.OrganizationCode);
        var from = Math.Max(0, offset ?? 0);
        var size = Math.Clamp(count ?? 1000, 1, 1000);
        var rows = await jobs.RowsAsync(id, from, size, http.RequestAborted);
        var output = rows.Select(r =>
        {
            using var document = JsonDocument.Parse(r.Detail);
            return new JobRowOutput(r.Row, r.Outcome, document.RootElement.Clone());
        }).ToList();
        var next = rows.Count == size ? $"/eligibility/{kind}s/{id}?offset={rows[^1].Row.ToString(CultureInfo.InvariantCulture)}&count={size.ToString(CultureInfo.InvariantCulture)}" : null;
        if (kind == EligibilityJob.Precheck)
        {
            // Results name patients: reading them is audited against each, like the checks themselves.
            foreach (var row in output)
            {
                if (row.Detail.TryGetProperty("patient", out var patient) && patient.TryGetProperty("id", out var patientId) && patientId.GetString() is { } value)
                {
                    request.AddPatient(value);
                }
            }
        }

        return new JsonBodyResult<JobOutput>(job.ToOutput(output, next), EligibilityJson.Relaxed.JobOutput);
    }

    private static async Task<IResult> CheckAsync(HttpContext http, EligibilityRequests requests, EligibilityChecker checker)
    {
        var request = http.Guarded();
        EligibilityAccess.RequireReception(request.Caller);
        var body = await JsonBodies.ReadAsync(http, EligibilityJson.Relaxed.CheckRequest, MaxCheckBytes);
        var query = requests.FromJson(body, request.Caller);
        var result = await checker.CheckAsync(query, request.Caller, ("insuranceCard.insurerNumber", "insuranceCard.birthDate"), http.RequestAborted);
        if (result.Match is { } match)
        {
            request.AddPatient(match.Qualification.PatientId);
        }

        return new JsonBodyResult<CheckResponse>(EligibilityAnswers.ToJson(result), EligibilityJson.Relaxed.CheckResponse);
    }
}
