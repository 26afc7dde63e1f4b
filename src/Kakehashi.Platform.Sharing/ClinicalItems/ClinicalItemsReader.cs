using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// Reads a patient's clinical items from every institution, one indexed search per kind (patient
/// and kind tag), straight from the store: the view has been authorized as a whole
/// (<see cref="SharingAccess"/>), so the per-resource narrowing of generic searches does not
/// apply — except what the caller must never see (a patient's 未告知 diagnoses), which the
/// caller's view leaves out.
/// </summary>
public sealed class ClinicalItemsReader(IResourceStore store, SearchQueryParser parser, FhirSerializer serializer)
{
    /// <summary>More items than this for one patient and kind is refused rather than slowly assembled.</summary>
    public const int MaxItems = 20_000;

    public async Task<IReadOnlyList<ClinicalItem>> ReadAsync(string patientId, IReadOnlyCollection<string> kinds, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var items = new List<ClinicalItem>();
        foreach (var kind in kinds)
        {
            var query = parser.Parse(ClinicalItemKind.TypeOf(kind), [new("patient", "Patient/" + patientId), new("_tag", ClinicalItemKind.TagSystem + "|" + kind)], lenient: false) with { Count = MaxItems };
            var page = transaction is null ? await store.SearchAsync(query, cancellationToken) : await transaction.SearchAsync(query, cancellationToken);
            if (page.HasMore)
            {
                throw FhirException.TooLarge($"The patient has more than {MaxItems} items of kind '{kind}'; they cannot be assembled in one answer.");
            }

            foreach (var stored in page.Matches)
            {
                var resource = serializer.ParseJson(stored.Json);
                var source = resource.Meta?.Tag.FirstOrDefault(t => t.System == SqlAccessPredicate.AuthorTagSystem)?.Code;
                items.Add(new ClinicalItem(kind, resource, source, ViewingWindows.Day(resource, stored.LastUpdated), ViewingWindows.Ended(resource)));
            }
        }

        return items;
    }
}
