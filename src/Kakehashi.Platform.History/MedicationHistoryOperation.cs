using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Platform.History;

/// <summary>
/// <c>GET Patient/[id]/$medication-history</c> (薬剤情報): every dispensing known from claims and
/// from dispensing records, de-duplicated (<see cref="MedicationHistory"/>), newest first, as
/// MedicationDispense entries. Needs consent category <c>medication</c>.
/// </summary>
public sealed class MedicationHistoryOperation(HistoryAccess access, HistorySources sources, IResourceStore store, CodeSystemAliases aliases)
    : HistoryOperation(access, store)
{
    protected override HistoryView View => HistoryView.Medication;

    protected override async Task<FhirResponse> BuildAsync(OperationRequest request, HistoryParameters parameters, IReadOnlySet<string> granted, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var claims = (await sources.ActiveClaimsAsync(id, request.Transaction, cancellationToken))
            .Select(c => c with { Lines = [.. c.Lines.Where(l => l.Kind == ClaimLineKind.Medication && parameters.Covers(l.Start))] })
            .ToList();
        var dispensings = new List<DispensingRecord>();
        foreach (var dispense in await sources.DispensingsAsync(id, request.Transaction, cancellationToken))
        {
            var record = await DescribeAsync(dispense, request.Transaction, cancellationToken);
            if (record.Day is { } day ? parameters.Covers(day) : parameters.From == DateOnly.MinValue && parameters.Until == DateOnly.MaxValue)
            {
                dispensings.Add(record);
            }
        }

        var entries = MedicationHistory.Merge(id, claims, dispensings, aliases);
        return HistoryBundle.Render(request, Name, [.. entries.Select(e => (StableUrn.For(e.Source), (Resource)e.Entry))]);
    }

    /// <summary>Who dispensed (the author tag the server stamped, else the performer's institution code), when (Japan day) and what (drug codes).</summary>
    private async Task<DispensingRecord> DescribeAsync(MedicationDispense dispense, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var codings = dispense.Medication switch
        {
            CodeableConcept concept => concept.Coding,
            ResourceReference { Reference: { } reference } when reference.StartsWith('#') =>
                dispense.Contained.OfType<Medication>().FirstOrDefault(m => m.Id == reference[1..])?.Code?.Coding ?? [],
            ResourceReference { Reference: { } reference } when reference.StartsWith("Medication/", StringComparison.Ordinal) =>
                (await sources.ReadAsync("Medication", reference["Medication/".Length..], transaction, cancellationToken) as Medication)?.Code?.Coding ?? [],
            _ => [],
        };

        // The author tag the server stamped is who wrote it; the performer is only the writer's
        // claim, read when nobody authored it (the operator's own systems, the claim feed).
        var institution = dispense.Meta?.Tag.FirstOrDefault(t => t.System == SqlAccessPredicate.AuthorTagSystem)?.Code;
        foreach (var actor in institution is null ? dispense.Performer.Select(p => p.Actor).Where(a => a is not null) : [])
        {
            if (actor!.Identifier is { System: KnownHistorySystems.InstitutionCode, Value: { } code })
            {
                institution = code;
                break;
            }

            if (actor.Reference is { } reference && reference.StartsWith("Organization/", StringComparison.Ordinal)
                && await sources.ReadAsync("Organization", reference["Organization/".Length..], transaction, cancellationToken) is Organization organization
                && organization.Identifier.FirstOrDefault(i => i.System == KnownHistorySystems.InstitutionCode)?.Value is { } orgCode)
            {
                institution = orgCode;
                break;
            }
        }

        var day = JapanDates.DayOf(dispense.WhenHandedOver ?? dispense.WhenPrepared);
        return new DispensingRecord(dispense, institution, day, codings);
    }
}
