using System.Globalization;
using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Fhir;

namespace Kakehashi.Server.BulkExport;

/// <summary>
/// FHIR Bulk Data export (docs/bulk-export.md): the kick-off at <c>/fhir/$export</c>,
/// <c>/fhir/Patient/$export</c> and <c>/fhir/Group/{id}/$export</c> answers 202 with the status
/// URL in <c>Content-Location</c>; polling it answers 202 with <c>X-Progress</c> until the
/// manifest (200); <c>DELETE</c> cancels; each file is served to the same caller's token only.
/// A job of another caller answers 404, as one that does not exist. The kick-off and every
/// file download write an audit row (per patient the file holds, as a search does).
/// </summary>
public static class ExportEndpoints
{
    private const string PollPath = "/$export-poll/";
    private const string FilePath = "/$export-file/";

    public static void MapBulkExport(this WebApplication app)
    {
        var basePath = FhirEndpoints.BasePath;
        app.MapGet(basePath + "/$export", (HttpContext http, ExportHandlers h) => h.KickOffAsync(http, ExportJob.SystemLevel, null, "$export"));
        app.MapGet(basePath + "/Patient/$export", (HttpContext http, ExportHandlers h) => h.KickOffAsync(http, ExportJob.PatientLevel, null, "Patient/$export"));
        app.MapGet(basePath + "/Group/{id}/$export", (HttpContext http, string id, ExportHandlers h) => h.KickOffAsync(http, ExportJob.GroupLevel, id, $"Group/{id}/$export"));
        app.MapGet(basePath + PollPath + "{id}", (HttpContext http, string id, ExportHandlers h) => h.StatusAsync(http, id));
        app.MapDelete(basePath + PollPath + "{id}", (HttpContext http, string id, ExportHandlers h) => h.CancelAsync(http, id));
        app.MapGet(basePath + FilePath + "{id}/{seq:int}", (HttpContext http, string id, int seq, ExportHandlers h) => h.FileAsync(http, id, seq));
    }

    /// <summary>The request handlers, with their services.</summary>
    public sealed class ExportHandlers(CallerResolver callers, ExportKickoff kickoff, ExportJobs jobs, ExportWorker worker, AuditLog audit, FhirRequestReader reader, TimeProvider time)
    {
        public async System.Threading.Tasks.Task KickOffAsync(HttpContext http, string level, string? groupId, string resource)
        {
            var caller = await callers.ResolveAsync(http);
            var requestId = Guid.NewGuid().ToString("N");
            var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : null;
            var baseUrl = reader.BaseUrl(http.Request);
            var requestUrl = baseUrl + "/" + resource + (query is null ? "" : "?" + query);
            ExportJob job;
            try
            {
                job = await kickoff.PrepareAsync(http.Request, caller, level, groupId, requestUrl, http.RequestAborted);
                await jobs.CreateAsync(job, http.RequestAborted);
            }
            catch (FhirException e)
            {
                await AuditAsync(caller, requestId, "E", "export", resource, query, (int)e.Status, [null]);
                throw;
            }

            // The members of a Group export are known now; a system or patient-level export names its patients at download.
            await AuditAsync(caller, requestId, "E", "export", resource, query, StatusCodes.Status202Accepted, job.Patients is { Count: > 0 } members ? [.. members] : [null]);
            worker.Wake();
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            http.Response.Headers.ContentLocation = baseUrl + PollPath + job.Id;
        }

        public async System.Threading.Tasks.Task StatusAsync(HttpContext http, string id)
        {
            var caller = await callers.ResolveAsync(http);
            var job = await OwnJobAsync(caller, id, http.RequestAborted);
            switch (job.Status)
            {
                case ExportJob.Queued or ExportJob.Running:
                    http.Response.StatusCode = StatusCodes.Status202Accepted;
                    http.Response.Headers["X-Progress"] = job.Status + ": " + job.Exported.ToString(CultureInfo.InvariantCulture) + " resources exported";
                    http.Response.Headers.RetryAfter = "1";
                    return;
                case ExportJob.Failed:
                    throw new FhirException(HttpStatusCode.InternalServerError, OperationOutcome.IssueType.Exception, job.Error ?? "The export failed.");
            }

            var files = await jobs.FilesAsync(id, http.RequestAborted);
            var baseUrl = reader.BaseUrl(http.Request);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(http.Response.Body);
            json.WriteStartObject();
            json.WriteString("transactionTime", job.TransactionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("request", job.RequestUrl);
            json.WriteBoolean("requiresAccessToken", true);
            json.WriteStartArray("output");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("type", file.ResourceType);
                json.WriteString("url", baseUrl + FilePath + id + "/" + file.Seq.ToString(CultureInfo.InvariantCulture));
                json.WriteNumber("count", file.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("error");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        public async System.Threading.Tasks.Task CancelAsync(HttpContext http, string id)
        {
            var caller = await callers.ResolveAsync(http);
            await OwnJobAsync(caller, id, http.RequestAborted);
            await jobs.DeleteAsync(id, http.RequestAborted);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
        }

        public async System.Threading.Tasks.Task FileAsync(HttpContext http, string id, int seq)
        {
            var caller = await callers.ResolveAsync(http);
            var requestId = Guid.NewGuid().ToString("N");
            var resource = "$export-file/" + id + "/" + seq.ToString(CultureInfo.InvariantCulture);
            ExportJob? job = null;
            (IReadOnlyList<string> Patients, byte[] Data)? file = null;
            try
            {
                job = await OwnJobAsync(caller, id, http.RequestAborted);
                file = job.Status == ExportJob.Completed ? await jobs.FileAsync(id, seq, http.RequestAborted) : null;
                if (file is null)
                {
                    throw FhirException.NotFound("No such export file.");
                }
            }
            catch (FhirException e)
            {
                await AuditAsync(caller, requestId, "R", "export-file", resource, job?.RequestUrl, (int)e.Status, [null]);
                throw;
            }

            // Audited before the data leaves, one row per patient in the file, like a search.
            var (patients, data) = file.Value;
            await AuditAsync(caller, requestId, "R", "export-file", resource, job.RequestUrl, StatusCodes.Status200OK, patients.Count > 0 ? [.. patients] : [null]);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/fhir+ndjson";
            http.Response.ContentLength = data.Length;
            await http.Response.Body.WriteAsync(data, http.RequestAborted);
        }

        /// <summary>The caller's own job; anyone else's answers exactly like one that does not exist.</summary>
        private async Task<ExportJob> OwnJobAsync(AccessContext caller, string id, CancellationToken cancellationToken)
        {
            var job = await jobs.FindAsync(id, cancellationToken);
            return job is not null && job.Owner == ExportJob.OwnerOf(caller) ? job : throw FhirException.NotFound("No such export job.");
        }

        private System.Threading.Tasks.Task AuditAsync(AccessContext caller, string requestId, string action, string interaction, string resource, string? query, int status, IReadOnlyList<string?> patients)
        {
            var now = time.GetUtcNow();
            return audit.AppendAsync(
                [.. patients.Distinct().Select(patient => AuditRecord.ByCaller(caller, now, requestId, new AuditedAccess
                {
                    Patient = patient, Action = action, Interaction = interaction, Resource = resource, Query = query, Outcome = status,
                }))],
                CancellationToken.None);
        }
    }
}
