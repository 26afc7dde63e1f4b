using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary>
/// Shared plumbing of the terminology operations: type-level calls name the resource by
/// canonical <c>url</c> (or pass it inline), instance-level calls by id in the store.
/// </summary>
public abstract class TerminologyOperationBase<T>(TerminologyService terminology, IResourceStore store, FhirSerializer serializer) : IFhirOperation
    where T : Resource
{
    protected TerminologyService Terminology => terminology;

    public abstract string Name { get; }

    public abstract string Definition { get; }

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == typeof(T).Name;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return new FhirResponse { Resource = await ExecuteCoreAsync(request, cancellationToken) };
        }
        catch (TerminologyException e)
        {
            throw OperationParameters.ToFhirException(e);
        }
    }

    protected abstract Task<Resource> ExecuteCoreAsync(OperationRequest request, CancellationToken cancellationToken);

    /// <summary>The target resource: by id (instance level), inline, or by canonical URL; null when none was named.</summary>
    protected async Task<T?> TargetAsync(OperationRequest request, string inlineName, string urlName, Func<string, CancellationToken, Task<T?>> byUrl, CancellationToken cancellationToken)
    {
        if (request.Id is { } id)
        {
            var stored = (request.Transaction is null ? await store.ReadAsync(typeof(T).Name, id, cancellationToken) : await request.Transaction.ReadAsync(typeof(T).Name, id, cancellationToken));
            if (stored is null || stored.IsDeleted)
            {
                throw FhirException.NotFound($"{typeof(T).Name}/{id} is not known.");
            }

            return (T)serializer.ParseJson(stored.Json);
        }

        if (OperationParameters.Resource<T>(request.Parameters, inlineName) is { } inline)
        {
            return inline;
        }

        if (OperationParameters.Text(request.Parameters, urlName) is { } url)
        {
            return await byUrl(url, cancellationToken)
                ?? throw FhirException.NotFound($"The {typeof(T).Name} '{url}' is not known to this server.");
        }

        return null;
    }
}
