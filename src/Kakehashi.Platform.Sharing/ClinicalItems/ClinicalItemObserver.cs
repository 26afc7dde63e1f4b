using System.Text;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// Keeps <see cref="ClinicalItemIndex"/> equal to the stored clinical items, whatever wrote them —
/// a submission, the retention job, a sender's own update or delete, a Bundle — in the transaction
/// that writes them: a new version of a tagged item replaces its row; a delete, or a version
/// without the clinical-item tag, removes it.
/// </summary>
public sealed class ClinicalItemObserver(FhirSerializer serializer) : IResourceWriteObserver
{
    // Most writes of these types are no clinical item (a Synthea Observation, a prescription of the
    // e-prescription service): a byte search for the tag system spares them the parse.
    private static readonly byte[] TagBytes = Encoding.UTF8.GetBytes(ClinicalItemKind.TagSystem);

    public async Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (write.ResourceType is not ("Condition" or "Observation" or "AllergyIntolerance" or "MedicationRequest"))
        {
            return;
        }

        var tagged = !write.IsDeleted && write.ShardKey.StartsWith("Patient/", StringComparison.Ordinal) && write.Json.AsSpan().IndexOf(TagBytes) >= 0;
        if (tagged && ClinicalItem.Of(serializer.ParseJson(write.Json), write.LastUpdated) is { } item)
        {
            await ClinicalItemIndex.ReplaceAsync(transaction.Sql(), write.ShardKey, item, cancellationToken);
        }
        else if (write.VersionId > 1 || write.IsDeleted)
        {
            await ClinicalItemIndex.RemoveAsync(transaction.Sql(), write.ResourceType, write.Id, cancellationToken);
        }
    }
}
