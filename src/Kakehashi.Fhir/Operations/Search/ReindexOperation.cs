using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Fhir.Operations.Search;

/// <summary>
/// <c>$reindex</c> re-extracts the search index with the current search parameters (after a
/// SearchParameter was created or changed). Instance level runs at once; type and system level
/// start a background job (202) whose progress <c>$reindex-status?job=…</c> reports, and which
/// resumes after a restart.
/// </summary>
public sealed class ReindexOperation(ReindexJobs jobs) : IFhirOperation
{
    public string Name => "reindex";

    // Rebuilds indexes for every caller, whatever the path names: not a clinical role's to start.
    public OperationAccess Access => OperationAccess.Administrative;

    public string Definition => "urn:kakehashi:OperationDefinition/reindex";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType is null || SearchParameterRegistry.IsKnownResourceType(resourceType);

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        if (request.Id is { } id)
        {
            if (!await jobs.ReindexOneAsync(request.ResourceType!, id, cancellationToken))
            {
                throw FhirException.NotFound($"{request.ResourceType}/{id} is not known.");
            }

            return new FhirResponse
            {
                Resource = new Parameters
                {
                    { "status", new Code(ReindexJob.Completed) },
                    { "processed", new Integer64(1) },
                },
            };
        }

        var types = request.ResourceType is { } type ? new[] { type } : ResourceTypes(request.Parameters);
        var job = await jobs.StartAsync(types, cancellationToken);
        return new FhirResponse { Status = HttpStatusCode.Accepted, Resource = ReindexStatusOperation.Describe(job) };
    }

    /// <summary>System level may name the types to reindex (<c>type=Patient,Observation</c>); none means all.</summary>
    private static string[]? ResourceTypes(Parameters parameters)
    {
        var named = parameters.Parameter.Where(p => p.Name == "type").SelectMany(p => (p.Value?.ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        var unknown = named.FirstOrDefault(t => !SearchParameterRegistry.IsKnownResourceType(t));
        return unknown is not null
            ? throw FhirException.BadRequest($"'{unknown}' is not a resource type.", "type")
            : named.Length == 0 ? null : named;
    }
}
