using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// A deleted Coverage leaves the eligibility index in the same transaction (writes of Coverage
/// are indexed by <see cref="CoverageRegistrationInterceptor"/>, which deletes never reach).
/// Readers ignore the row of a deleted Coverage anyway; this keeps the tables small.
/// </summary>
public sealed class CoverageDeletionObserver : IResourceWriteObserver
{
    public async Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (write.IsDeleted && write.ResourceType == "Coverage")
        {
            await QualificationIndex.RemoveAsync(transaction.Sql(), write.Id, cancellationToken);
        }
    }
}
