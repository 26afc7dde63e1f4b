using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Makes a written <c>SearchParameter</c> resource searchable at once: resources written from
/// now on are indexed for it, and <c>$reindex</c> indexes those written before. A definition the
/// engine cannot index is refused (400) rather than stored and silently ignored.
/// </summary>
public sealed class SearchParameterWriteInterceptor(SearchParameterRegistry registry) : IResourceWriteInterceptor
{
    /// <summary>Last, so that nothing after it can still refuse the resource.</summary>
    public int Order => int.MaxValue;

    public ValueTask OnWritingAsync(Resource resource, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is SearchParameter { Status: not PublicationStatus.Retired } parameter)
        {
            foreach (var definition in SearchParameterResources.ToDefinitions(parameter))
            {
                registry.Add(definition);
            }
        }

        return ValueTask.CompletedTask;
    }
}
