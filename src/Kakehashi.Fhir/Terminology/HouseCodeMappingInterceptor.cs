using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Terminology;

/// <summary>Adds standard codings beside house codes before a resource is validated and stored (see <see cref="HouseCodeMapper"/>).</summary>
public sealed class HouseCodeMappingInterceptor(HouseCodeMapper mapper) : IResourceWriteInterceptor
{
    public WriteStage Stage => WriteStage.Enrich;

    public async ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        // A ConceptMap is never rewritten by the maps it may itself define.
        if (resource is not ConceptMap)
        {
            await mapper.EnrichAsync(resource, cancellationToken);
        }
    }
}
