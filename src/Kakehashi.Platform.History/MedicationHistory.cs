using Hl7.Fhir.Model;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Platform.History;

/// <summary>
/// The medication history of a patient from two sources — drug lines of claims and dispensing
/// records (MedicationDispense, e.g. e-prescription dispensing results) — one entry per
/// dispensing. A claim line and a dispensing record describe the same dispensing when they have
/// the same institution (the claim's provider, the dispensing's performer), the same day in
/// Japan time and at least one drug code in common (same code system under any of its names);
/// then one entry is kept, the dispensing record (it carries the dosage), naming the claim as a
/// further source. Each claim line and each dispensing record is matched at most once.
/// </summary>
public static class MedicationHistory
{
    /// <returns>Newest first: each entry with the source that names it (for its stable fullUrl).</returns>
    public static IReadOnlyList<(string Source, MedicationDispense Entry)> Merge(string patientId, IReadOnlyList<ClaimRecord> claims, IReadOnlyList<DispensingRecord> dispensings, CodeSystemAliases aliases)
    {
        var lines = claims
            .SelectMany(c => c.Lines.Where(l => l.Kind == ClaimLineKind.Medication).Select(l => (Claim: c, Line: l)))
            .GroupBy(x => (x.Claim.ProviderCode, x.Line.Start))
            .ToDictionary(g => g.Key, g => g.ToList());
        var used = new HashSet<(string, int)>();
        var entries = new List<(DateOnly? Day, string Source, MedicationDispense Entry)>();

        foreach (var dispensing in dispensings)
        {
            // A view of the record, not the record: no id or version of its own; the tags say where it comes from.
            var entry = (MedicationDispense)dispensing.Resource.DeepCopy();
            entry.Id = null;
            entry.Meta = new Meta();
            entry.Meta.Tag.Add(new Coding(KnownHistorySystems.HistorySource, "dispensing"));
            entry.Extension.Add(new Extension(KnownHistorySystems.DerivedFrom, new ResourceReference("MedicationDispense/" + dispensing.Resource.Id)));
            if (dispensing.InstitutionCode is { } institution && dispensing.Day is { } day && lines.TryGetValue((institution, day), out var candidates))
            {
                var codes = Keys(dispensing.Codings, aliases);
                var match = candidates.FirstOrDefault(c => !used.Contains((c.Claim.Reference, c.Line.Sequence)) && Keys(c.Line.Codings, aliases).Overlaps(codes));
                if (match.Claim is not null)
                {
                    used.Add((match.Claim.Reference, match.Line.Sequence));
                    entry.Meta.Tag.Add(new Coding(KnownHistorySystems.HistorySource, "claim"));
                    entry.Extension.Add(new Extension(KnownHistorySystems.DerivedFrom, new ResourceReference(match.Claim.Reference)));
                }
            }

            entries.Add((dispensing.Day, "MedicationDispense/" + dispensing.Resource.Id, entry));
        }

        foreach (var (claim, line) in lines.Values.SelectMany(l => l).Where(x => !used.Contains((x.Claim.Reference, x.Line.Sequence))))
        {
            entries.Add((line.Start, claim.Reference + "#item" + line.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), FromClaim(patientId, claim, line)));
        }

        // Newest first; a stable order for entries of one day.
        return [.. entries.OrderByDescending(e => e.Day).ThenBy(e => e.Entry.Medication is CodeableConcept c ? c.Text ?? c.Coding.FirstOrDefault()?.Code : null, StringComparer.Ordinal).Select(e => (e.Source, e.Entry))];
    }

    /// <summary>A dispensing known only from a claim line.</summary>
    private static MedicationDispense FromClaim(string patientId, ClaimRecord claim, ClaimLine line) => new()
    {
        Meta = new Meta { Tag = [new Coding(KnownHistorySystems.HistorySource, "claim")] },
        Extension = [new Extension(KnownHistorySystems.DerivedFrom, new ResourceReference(claim.Reference))],
        Status = MedicationDispense.MedicationDispenseStatusCodes.Completed,
        Medication = new CodeableConcept { Coding = [.. line.Codings.Select(c => (Coding)c.DeepCopy())], Text = line.Text },
        Subject = new ResourceReference("Patient/" + patientId),
        Performer = [new MedicationDispense.PerformerComponent { Actor = Organization(claim) }],
        Quantity = line.Quantity is null ? null : (Quantity)line.Quantity.DeepCopy(),
        WhenHandedOver = JapanDates.Text(line.Start),
    };

    /// <summary>The claim's provider, by its institution code.</summary>
    public static ResourceReference Organization(ClaimRecord claim) => new()
    {
        Type = "Organization",
        Identifier = new Identifier(KnownHistorySystems.InstitutionCode, claim.ProviderCode),
        Display = claim.ProviderName,
    };

    private static HashSet<string> Keys(IEnumerable<Coding> codings, CodeSystemAliases aliases) =>
        codings.Where(c => c.System is not null && c.Code is not null).Select(c => aliases.Canonical(c.System) + "|" + c.Code).ToHashSet(StringComparer.Ordinal);
}
