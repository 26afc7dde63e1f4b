namespace Kakehashi.Fhir.Storage;

/// <summary>
/// Told of every resource version a transaction writes — creates, updates, patches and delete
/// tombstones alike — inside that transaction, so that what it maintains beside the resources
/// (an index of consent grants, say) commits or rolls back with them.
/// </summary>
public interface IResourceWriteObserver
{
    Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken);
}
