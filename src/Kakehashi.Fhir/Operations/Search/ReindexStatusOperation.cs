using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Fhir.Operations.Search;

/// <summary><c>GET [base]/$reindex-status?job=…</c>: the progress of a <c>$reindex</c> job.</summary>
public sealed class ReindexStatusOperation(ReindexJobs jobs) : IFhirOperation
{
    public string Name => "reindex-status";

    public OperationAccess Access => OperationAccess.Administrative;

    public string Definition => "urn:kakehashi:OperationDefinition/reindex-status";

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType is null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var id = request.Parameters.Parameter.FirstOrDefault(p => p.Name == "job")?.Value?.ToString()
            ?? throw FhirException.BadRequest("$reindex-status needs the job id: ?job=….", "job");
        var job = await jobs.GetAsync(id, cancellationToken) ?? throw ReindexJobs.UnknownJob(id);
        return new FhirResponse { Resource = Describe(job) };
    }

    internal static Parameters Describe(ReindexJob job)
    {
        var parameters = new Parameters
        {
            { "job", new FhirString(job.Id) },
            { "scope", new FhirString(job.Scope) },
            { "status", new Code(job.Status) },
            { "processed", new Integer64(job.Processed) },
            { "total", new Integer64(job.Total) },
            { "started", new Instant(job.StartedAt) },
            { "updated", new Instant(job.UpdatedAt) },
        };
        if (job.Error is { } error)
        {
            parameters.Add("error", new FhirString(error));
        }

        return parameters;
    }
}
