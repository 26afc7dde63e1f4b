using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Makes a written <c>SearchParameter</c> resource searchable as soon as its transaction commits:
/// resources written from then on are indexed for it, and <c>$reindex</c> indexes those written
/// before. A definition the engine cannot index is refused (400) rather than stored and silently
/// ignored. Registering only after the commit means that a rolled-back write (a failed
/// transaction Bundle) leaves no parameter behind that nothing stored defines.
/// </summary>
public sealed class SearchParameterWriteInterceptor(SearchParameterRegistry registry) : IResourceWriteInterceptor
{
    /// <summary>Last, so that nothing after it can still refuse the resource.</summary>
    public int Order => int.MaxValue;

    public ValueTask OnWritingAsync(Resource resource, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is SearchParameter { Status: not PublicationStatus.Retired } parameter)
        {
            // Validated now, so that an unusable definition fails the write.
            var definitions = SearchParameterResources.ToDefinitions(parameter);
            transaction.OnCommitted(() =>
            {
                foreach (var definition in definitions)
                {
                    registry.Add(definition);
                }
            });
        }

        return ValueTask.CompletedTask;
    }
}
