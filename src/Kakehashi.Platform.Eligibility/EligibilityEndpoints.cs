using System.Globalization;
using System.Text.Json;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// The compact JSON endpoints (docs/eligibility.md): one check at <c>POST /eligibility/check</c>,
/// bulk pre-checks at <c>/eligibility/prechecks</c> and qualification uploads at
/// <c>/eligibility/uploads</c> (asynchronous: 202 with a job id, then GET the job). Authorized as
/// the FHIR operations are, audited without any patient data beyond the reference of the patient.
/// </summary>
public static class EligibilityEndpoints
{
    /// <summary>A check carries at most a certificate (~2 kB) and a few fields.</summary>
    private const long MaxCheckBytes = 64 * 1024;

    public static void MapEligibilityEndpoints(this WebApplication app)
    {
        app.MapPost("/eligibility/check", CheckAsync);
        app.MapPost("/eligibility/prechecks", SubmitPrecheckAsync);
        app.MapGet("/eligibility/prechecks/{id}", (HttpContext http, string id, int? offset, int? count, CallerResolver callers, EligibilityAccess access, EligibilityJobs jobs, EligibilityAudit audit) =>
            ReadJobAsync(http, id, EligibilityJob.Precheck, offset, count, callers, access, jobs, audit));
        app.MapPost("/eligibility/uploads", SubmitUploadAsync);
        app.MapGet("/eligibility/uploads/{id}", (HttpContext http, string id, int? offset, int? count, CallerResolver callers, EligibilityAccess access, EligibilityJobs jobs, EligibilityAudit audit) =>
            ReadJobAsync(http, id, EligibilityJob.Upload, offset, count, callers, access, jobs, audit));
    }

    private static async Task SubmitPrecheckAsync(
        HttpContext http, CallerResolver callers, EligibilityAccess access, EligibilityJobs jobs, EligibilityJobWorker worker,
        IOptions<EligibilityOptions> options, IOptions<KakehashiOptions> limits)
    {
        var caller = await callers.ResolveAsync(http);
        access.AuthorizeCheck(caller);
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
        await JsonBodies.WriteAsync(http, job.ToOutput(), EligibilityJson.Relaxed.JobOutput, StatusCodes.Status202Accepted);
    }

    private static async Task SubmitUploadAsync(
        HttpContext http, CallerResolver callers, EligibilityAccess access, EligibilityJobs jobs, EligibilityJobWorker worker, IOptions<KakehashiOptions> limits)
    {
        var caller = await callers.ResolveAsync(http);
        access.AuthorizeUpload(caller);
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
        await JsonBodies.WriteAsync(http, job.ToOutput(), EligibilityJson.Relaxed.JobOutput, StatusCodes.Status202Accepted);
    }

    private static async Task ReadJobAsync(
        HttpContext http, string id, string kind, int? offset, int? count, CallerResolver callers, EligibilityAccess access, EligibilityJobs jobs, EligibilityAudit audit)
    {
        var caller = await callers.ResolveAsync(http);
        if (kind == EligibilityJob.Precheck)
        {
            access.AuthorizeCheck(caller);
        }
        else
        {
            access.AuthorizeUpload(caller);
        }

        var job = await jobs.FindAsync(id, http.RequestAborted);
        if (job is null || job.Kind != kind)
        {
            throw FhirException.NotFound("No such job.");
        }

        EligibilityAccess.AuthorizeJobRead(caller, job.OrganizationCode);
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
            // Results name patients: reading them is audited like the checks themselves.
            var patients = output.Select(r => r.Detail.TryGetProperty("patient", out var p) && p.TryGetProperty("id", out var pid) ? "Patient/" + pid.GetString() : null);
            await audit.RecordAsync(caller, Guid.NewGuid().ToString("N"), "eligibility-precheck-results", "eligibility/prechecks/" + id, 200, patients, http.RequestAborted);
        }

        await JsonBodies.WriteAsync(http, job.ToOutput(output, next), EligibilityJson.Relaxed.JobOutput);
    }
    private static async Task CheckAsync(
        HttpContext http, CallerResolver callers, EligibilityAccess access, EligibilityRequests requests, EligibilityChecker checker, EligibilityAudit audit)
    {
        var caller = await callers.ResolveAsync(http);
        var requestId = Guid.NewGuid().ToString("N");
        var outer = AuditScope.Current;
        AuditScope.Current = EligibilityAudit.Scope(caller, requestId, "CoverageEligibilityRequest", "eligibility-check");
        var status = 500;
        string? patient = null;
        var audited = false;
        try
        {
            access.AuthorizeCheck(caller);
            var body = await JsonBodies.ReadAsync(http, EligibilityJson.Relaxed.CheckRequest, MaxCheckBytes);
            var query = requests.FromJson(body, caller);
            var result = await checker.CheckAsync(query, caller, ("insuranceCard.insurerNumber", "insuranceCard.birthDate"), http.RequestAborted);
            patient = result.Match is { } match ? "Patient/" + match.Qualification.PatientId : null;
            status = 200;
            // Audited before the answer leaves: no patient data is shown without its audit row.
            await audit.RecordAsync(caller, requestId, "eligibility-check", "eligibility/check", status, [patient], http.RequestAborted);
            audited = true;
            await JsonBodies.WriteAsync(http, EligibilityAnswers.ToJson(result), EligibilityJson.Relaxed.CheckResponse);
        }
        catch (FhirException e)
        {
            status = (int)e.Status;
            throw;
        }
        finally
        {
            AuditScope.Current = outer;
            if (!audited)
            {
                await audit.RecordAsync(caller, requestId, "eligibility-check", "eligibility/check", status, [patient], CancellationToken.None);
            }
        }
    }
}
