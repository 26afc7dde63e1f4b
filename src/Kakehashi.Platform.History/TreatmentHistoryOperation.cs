using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Consent;

namespace Kakehashi.Platform.History;

/// <summary>
/// <c>GET Patient/[id]/$treatment-history</c> (診療情報: surgery, transplant, dialysis): the
/// procedure lines of the patient's claims that <see cref="TreatmentClassifier"/> lists, newest
/// first, as Procedure entries. Needs consent category <c>treatment</c>; surgery and transplant
/// lines also need <c>surgery</c> (手術情報) and are otherwise left out, with a note that says so
/// whether or not there are any (the note must not reveal that a surgery exists).
/// </summary>
public sealed class TreatmentHistoryOperation(HistoryAccess access, HistorySources sources, IResourceStore store, TreatmentClassifier classifier)
    : HistoryOperation(access, store)
{
    protected override HistoryView View => HistoryView.Treatment;

    protected override IReadOnlyList<string> ExtraCategories => [ConsentCategories.Surgery];

    protected override async Task<FhirResponse> BuildAsync(OperationRequest request, HistoryParameters parameters, IReadOnlySet<string> granted, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var surgery = granted.Contains(ConsentCategories.Surgery);
        var entries = new List<(DateOnly Day, string Source, Procedure Entry)>();
        foreach (var claim in await sources.ActiveClaimsAsync(id, request.Transaction, cancellationToken))
        {
            foreach (var line in claim.Lines.Where(l => l.ProcedureCode is not null && parameters.Overlaps(l.Start, l.End)))
            {
                var (kind, name) = await classifier.ClassifyAsync(line.ProcedureCode!, cancellationToken);
                if (kind is not { } treatment || (TreatmentClassifier.NeedsSurgeryConsent(treatment) && !surgery))
                {
                    continue;
                }

                entries.Add((line.Start, claim.Reference + "#item" + line.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Entry(id, claim, line, treatment, name)));
            }
        }

        var notes = new OperationOutcome();
        if (!surgery)
        {
            notes.Issue.Add(HistoryBundle.Note(
                $"Surgery and transplant lines are shown only with the patient's consent in category '{ConsentCategories.Surgery}' (手術情報) for this organization; there is none, so they are left out."));
        }

        return HistoryBundle.Render(request, Name, [.. entries.OrderByDescending(e => e.Day).ThenBy(e => e.Source, StringComparer.Ordinal).Select(e => (StableUrn.For(e.Source), (Resource)e.Entry))], notes);
    }

    private static Procedure Entry(string patientId, ClaimRecord claim, ClaimLine line, TreatmentKind kind, string? name)
    {
        var code = new CodeableConcept { Coding = [.. line.Codings.Select(c => (Coding)c.DeepCopy())], Text = line.Text ?? name };
        foreach (var coding in code.Coding.Where(c => ClaimFeed.IsProcedureSystem(c.System) && c.Display is null))
        {
            coding.Display = name;
        }

        return new Procedure
        {
            Meta = new Meta { Tag = [new Coding(KnownHistorySystems.HistorySource, "claim")] },
            Extension = [new Extension(KnownHistorySystems.DerivedFrom, new ResourceReference(claim.Reference))],
            Status = EventStatus.Completed,
            Category = new CodeableConcept(KnownHistorySystems.TreatmentKind, TreatmentClassifier.Code(kind), TreatmentClassifier.Display(kind)),
            Code = code,
            Subject = new ResourceReference("Patient/" + patientId),
            Performed = line.Start == line.End
                ? new FhirDateTime(JapanDates.Text(line.Start))
                : new Period { Start = JapanDates.Text(line.Start), End = JapanDates.Text(line.End) },
            Performer = [new Procedure.PerformerComponent { Actor = MedicationHistory.Organization(claim) }],
        };
    }
}
