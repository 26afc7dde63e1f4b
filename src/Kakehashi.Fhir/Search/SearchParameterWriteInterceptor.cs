using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Makes a written <c>SearchParameter</c> resource searchable as soon as its transaction commits:
/// resources written from then on are indexed for it, and <c>$reindex</c> indexes those written
/// before. A definition the engine cannot index is refused (400) rather than stored and silently
/// ignored. Registering only after the commit means that a rolled-back write (a failed
/// transaction Bundle) leaves no parameter behind that nothing stored defines. An update
/// replaces what the resource defined; retiring or deleting it (seen as a write observer, since
/// deletions carry no resource to intercept) takes its definitions back.
/// </summary>
public sealed class SearchParameterWriteInterceptor(SearchParameterRegistry registry) : IResourceWriteInterceptor, IResourceWriteObserver
{
    /// <summary>The last stage, so that nothing after it can still refuse the resource (the conformance caches beside it only forget).</summary>
    public WriteStage Stage => WriteStage.Register;

    public ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is SearchParameter parameter)
        {
            // Validated now, so that an unusable definition fails the write.
            IReadOnlyList<SearchParameterDefinition> definitions = parameter.Status == PublicationStatus.Retired
                ? []
                : SearchParameterResources.ToDefinitions(parameter);
            // The service sets the id before interceptors run.
            var id = parameter.Id ?? throw new InvalidOperationException("A SearchParameter is written without an id.");
            transaction.OnCommitted(() => registry.Register(id, definitions));
        }

        return ValueTask.CompletedTask;
    }

    public System.Threading.Tasks.Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (write.IsDeleted && write.ResourceType == "SearchParameter")
        {
            transaction.OnCommitted(() => registry.Register(write.Id, []));
        }

        return System.Threading.Tasks.Task.CompletedTask;
    }
}
