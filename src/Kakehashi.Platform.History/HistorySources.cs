using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.History;

/// <summary>
/// Reads a patient's records the views are built from — claims of the feed and dispensing
/// records — straight from the store: the view has been authorized as a whole
/// (<see cref="HistoryAccess"/>), so the per-resource consent narrowing of generic searches
/// does not apply here.
/// </summary>
public sealed class HistorySources(IResourceStore store, SearchQueryParser parser, FhirSerializer serializer)
{
    /// <summary>More source records than this for one patient and view is refused rather than slowly assembled.</summary>
    public const int MaxRecords = 20_000;

    private const int PageSize = 1000;

    /// <summary>
    /// The patient's active claims. An ExplanationOfBenefit supersedes the Claim it names
    /// (<c>ExplanationOfBenefit.claim</c>), so a claim and its adjudication are not counted twice.
    /// Records outside the feed's subset (written before it was enforced) are skipped.
    /// </summary>
    public async Task<IReadOnlyList<ClaimRecord>> ActiveClaimsAsync(string patientId, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var adjudicated = new List<ClaimRecord>();
        foreach (var stored in await AllAsync("ExplanationOfBenefit", [new("patient", "Patient/" + patientId)], transaction, cancellationToken))
        {
            if (ClaimFeed.Read(serializer.ParseJson(stored.Json)).Record is { } record)
            {
                adjudicated.Add(record);
            }
        }

        var superseded = adjudicated.Where(r => r.Status != "entered-in-error" && r.ClaimReference is not null).Select(r => r.ClaimReference!).ToHashSet(StringComparer.Ordinal);
        var claims = new List<ClaimRecord>(adjudicated.Where(r => r.IsActive));
        foreach (var stored in await AllAsync("Claim", [new("patient", "Patient/" + patientId)], transaction, cancellationToken))
        {
            if (ClaimFeed.Read(serializer.ParseJson(stored.Json)).Record is { IsActive: true } record && !superseded.Contains(record.Reference))
            {
                claims.Add(record);
            }
        }

        return claims;
    }

    /// <summary>The patient's completed dispensings (e-prescription dispensing results and any other MedicationDispense).</summary>
    public async Task<IReadOnlyList<MedicationDispense>> DispensingsAsync(string patientId, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        [.. (await AllAsync("MedicationDispense", [new("patient", "Patient/" + patientId), new("status", "completed")], transaction, cancellationToken))
            .Select(s => (MedicationDispense)serializer.ParseJson(s.Json))];

    /// <summary>Reads a resource the views refer to (a dispensing's Medication or performer), or null.</summary>
    public async Task<Resource?> ReadAsync(string type, string id, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var stored = transaction is null ? await store.ReadAsync(type, id, cancellationToken) : await transaction.ReadAsync(type, id, cancellationToken);
        return stored is { IsDeleted: false } ? serializer.ParseJson(stored.Json) : null;
    }

    private async Task<List<StoredResource>> AllAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var query = parser.Parse(type, criteria, lenient: false) with { Count = PageSize };
        var all = new List<StoredResource>();
        while (true)
        {
            var page = transaction is null ? await store.SearchAsync(query, cancellationToken) : await transaction.SearchAsync(query, cancellationToken);
            all.AddRange(page.Matches);
            if (all.Count > MaxRecords)
            {
                throw FhirException.TooLarge($"The patient has more than {MaxRecords} {type} records; the history cannot be assembled in one answer.");
            }

            if (!page.HasMore)
            {
                return all;
            }

            query = query with { Offset = query.Offset + PageSize };
        }
    }
}
