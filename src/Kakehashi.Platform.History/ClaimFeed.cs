using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.History;

/// <summary>
/// The subset of <c>Claim</c> and <c>ExplanationOfBenefit</c> the claim feed accepts
/// (docs/eligibility-history.md): reads one into a <see cref="ClaimRecord"/> and lists every way
/// it departs from the subset, each with the element's path, so that one answer names them all.
/// Checks that need the database or the terminology (the patient exists, the procedure code is
/// in the master) are made by <see cref="ClaimFeedInterceptor"/>.
/// </summary>
public static partial class ClaimFeed
{
    public static readonly IReadOnlyList<string> ClaimTypes = ["institutional", "professional", "pharmacy"];

    private static readonly string[] Statuses = ["active", "cancelled", "draft", "entered-in-error"];

    public static bool IsFeedType(string type) => type is "Claim" or "ExplanationOfBenefit";

    /// <summary>
    /// A claim belongs to the feed when it names its insurer by an insurer number; other claims
    /// (imported from other systems, e.g. test data) are stored as sent and not part of the views.
    /// </summary>
    public static bool NamesInsurerNumber(Resource resource) =>
        (resource switch { Claim c => c.Insurer, ExplanationOfBenefit e => e.Insurer, _ => null })?.Identifier?.System
            is KnownHistorySystems.InsurerNumber or KnownHistorySystems.InsurerNumberUri;

    public static bool IsProcedureSystem(string? system) =>
        system is KnownHistorySystems.MedicalProcedure or KnownHistorySystems.MedicalProcedureMaster;

    public static bool IsDrugSystem(string? system) => DrugFormat(system) is not null;

    /// <summary>The record, or null with the reasons when the resource is outside the subset.</summary>
    public static (ClaimRecord? Record, IReadOnlyList<FeedIssue> Issues) Read(Resource resource)
    {
        var raw = resource switch
        {
            Claim claim => FromClaim(claim),
            ExplanationOfBenefit eob => FromExplanationOfBenefit(eob),
            _ => throw new ArgumentException("Only Claim and ExplanationOfBenefit are claims.", nameof(resource)),
        };
        var type = resource.TypeName;
        var issues = new List<FeedIssue>();

        if (raw.Status is null || !Statuses.Contains(raw.Status))
        {
            issues.Add(new($"A claim has a status ({string.Join(", ", Statuses)}); only active claims appear in the history.", $"{type}.status"));
        }

        if (raw.ClaimType?.Coding.Any(c => c.System == KnownHistorySystems.ClaimType && ClaimTypes.Contains(c.Code)) != true)
        {
            issues.Add(new($"The claim type is one of {KnownHistorySystems.ClaimType}: {string.Join(", ", ClaimTypes)} (入院 / 入院外 / 調剤).", $"{type}.type"));
        }

        var patientId = PatientId(raw.Patient?.Reference);
        if (patientId is null)
        {
            issues.Add(new("A claim names its patient as a relative reference Patient/{id}.", $"{type}.patient"));
        }

        if (string.IsNullOrEmpty(raw.Created))
        {
            issues.Add(new("A claim has its creation date.", $"{type}.created"));
        }

        var insurer = raw.Insurer?.Identifier;
        if (insurer?.System is not (KnownHistorySystems.InsurerNumber or KnownHistorySystems.InsurerNumberUri) || insurer.Value is not { } insurerNumber
            || !InstitutionCodes.IsValidInsurerNumber(insurerNumber))
        {
            issues.Add(new($"A claim names its insurer by its insurer number (保険者番号, 8 or 6 digits with a valid check digit; {KnownHistorySystems.InsurerNumber}).", $"{type}.insurer.identifier"));
            insurerNumber = null;
        }

        var provider = raw.Provider?.Identifier;
        if (provider?.System != KnownHistorySystems.InstitutionCode || provider.Value is not { } providerCode || !InstitutionCodes.IsValidInstitutionCode(providerCode))
        {
            issues.Add(new($"A claim names the institution or pharmacy that provided the care by its 10-digit code with a valid check digit ({KnownHistorySystems.InstitutionCode}).", $"{type}.provider.identifier"));
            providerCode = null;
        }

        string? claimReference = null;
        if (raw.Claim?.Reference is { } claimRef)
        {
            if (!ClaimReferencePattern().IsMatch(claimRef))
            {
                issues.Add(new("An ExplanationOfBenefit names the Claim it adjudicates as a relative reference Claim/{id}.", $"{type}.claim"));
            }
            else
            {
                claimReference = claimRef;
            }
        }

        var billableStart = JapanDates.DayOf(raw.Billable?.Start);
        var billableEnd = JapanDates.DayOf(raw.Billable?.End);
        if ((raw.Billable?.Start is not null && billableStart is null) || (raw.Billable?.End is not null && billableEnd is null))
        {
            issues.Add(new("The billable period (診療年月) is given as full dates.", $"{type}.billablePeriod"));
        }

        if (raw.Items.Count == 0)
        {
            issues.Add(new("A claim has at least one item: a drug or a procedure.", $"{type}.item"));
        }

        var lines = new List<ClaimLine>();
        var sequences = new HashSet<int>();
        for (var i = 0; i < raw.Items.Count; i++)
        {
            var line = ReadItem(type, i, raw.Items[i], billableStart, billableEnd, sequences, issues);
            if (line is not null)
            {
                lines.Add(line);
            }
        }

        if (issues.Count > 0)
        {
            return (null, issues);
        }

        return (new ClaimRecord(type + "/" + resource.Id, raw.Status!, patientId!, providerCode!, raw.Provider?.Display, insurerNumber!, claimReference, lines), []);
    }

    private static ClaimLine? ReadItem(string type, int index, RawItem item, DateOnly? billableStart, DateOnly? billableEnd, HashSet<int> sequences, List<FeedIssue> issues)
    {
        var path = $"{type}.item[{index}]";
        var count = issues.Count;
        if (item.Sequence is not { } sequence || sequence <= 0 || !sequences.Add(sequence))
        {
            issues.Add(new("Each item has a positive sequence number, unique in the claim.", path + ".sequence"));
            sequence = 0;
        }

        var codings = item.ProductOrService?.Coding ?? [];
        var drug = codings.Where(c => IsDrugSystem(c.System)).ToList();
        var procedure = codings.Where(c => IsProcedureSystem(c.System)).ToList();
        ClaimLineKind kind = default;
        if (drug.Count > 0 == procedure.Count > 0)
        {
            issues.Add(new(
                $"An item is either a drug — coded in {KnownHistorySystems.YjCode} (YJ), {KnownHistorySystems.Hot9} (HOT9) or {KnownHistorySystems.ReceiptDrugCode} (レセ電) — or a procedure coded in {KnownHistorySystems.MedicalProcedure} (医科診療行為マスター).",
                path + ".productOrService"));
        }
        else
        {
            kind = drug.Count > 0 ? ClaimLineKind.Medication : ClaimLineKind.Procedure;
        }

        for (var j = 0; j < codings.Count; j++)
        {
            var coding = codings[j];
            var format = IsProcedureSystem(coding.System) ? ProcedureCodePattern() : DrugFormat(coding.System);
            if (format is not null && (coding.Code is null || !format.IsMatch(coding.Code)))
            {
                issues.Add(new($"'{coding.Code}' is not a code of {coding.System}{FormatHint(coding.System)}.", $"{path}.productOrService.coding[{j}].code"));
            }
        }

        DateOnly? start = null;
        DateOnly? end = null;
        switch (item.Serviced)
        {
            case Date date:
                start = end = JapanDates.DayOf(date.Value);
                break;
            case Period period:
                start = JapanDates.DayOf(period.Start);
                end = period.End is null ? start : JapanDates.DayOf(period.End);
                break;
        }

        if (start is null || end is null || end < start)
        {
            issues.Add(new("Each item says on which day it was provided: servicedDate, or servicedPeriod with full dates.", path + ".serviced"));
        }
        else if ((billableStart is { } from && start < from) || (billableEnd is { } until && end > until))
        {
            issues.Add(new("The item's date lies outside the claim's billable period.", path + ".serviced"));
        }

        if (item.Quantity is { } quantity && quantity.Value is not > 0)
        {
            issues.Add(new("An item's quantity is positive.", path + ".quantity"));
        }

        return issues.Count > count ? null : new ClaimLine(sequence, kind, codings, item.ProductOrService?.Text, start!.Value, end!.Value, item.Quantity);
    }

    /// <summary>The id of a relative <c>Patient/{id}</c> reference, else null.</summary>
    public static string? PatientId(string? reference) =>
        reference is not null && PatientReferencePattern().Match(reference) is { Success: true } match ? match.Groups[1].Value : null;

    private static Regex? DrugFormat(string? system) => system switch
    {
        KnownHistorySystems.YjCode or KnownHistorySystems.YjCodeUri => YjCodePattern(),
        KnownHistorySystems.Hot9 or KnownHistorySystems.Hot9Uri => Hot9Pattern(),
        KnownHistorySystems.ReceiptDrugCode => ReceiptDrugPattern(),
        _ => null,
    };

    private static string FormatHint(string? system) => system switch
    {
        KnownHistorySystems.YjCode or KnownHistorySystems.YjCodeUri => " (12 characters, e.g. 2233002F1280)",
        KnownHistorySystems.Hot9 or KnownHistorySystems.Hot9Uri => " (9 digits)",
        KnownHistorySystems.ReceiptDrugCode => " (9 digits starting with 6)",
        _ => " (9 digits starting with 1)",
    };

    private static RawClaim FromClaim(Claim claim) => new(
        claim.StatusElement?.JsonValue as string, claim.Type, claim.Patient, claim.BillablePeriod, claim.CreatedElement?.Value, claim.Insurer, claim.Provider, null,
        [.. claim.Item.Select(i => new RawItem(i.Sequence, i.ProductOrService, i.Serviced, i.Quantity))]);

    private static RawClaim FromExplanationOfBenefit(ExplanationOfBenefit eob) => new(
        eob.StatusElement?.JsonValue as string, eob.Type, eob.Patient, eob.BillablePeriod, eob.CreatedElement?.Value, eob.Insurer, eob.Provider, eob.Claim,
        [.. eob.Item.Select(i => new RawItem(i.Sequence, i.ProductOrService, i.Serviced, i.Quantity))]);

    [GeneratedRegex("^Patient/([A-Za-z0-9\\-\\.]{1,64})$")]
    private static partial Regex PatientReferencePattern();

    [GeneratedRegex("^Claim/[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex ClaimReferencePattern();

    [GeneratedRegex("^1[0-9]{8}$")]
    private static partial Regex ProcedureCodePattern();

    [GeneratedRegex("^[0-9]{7}[A-Z][0-9A-Z][0-9]{3}$")]
    private static partial Regex YjCodePattern();

    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex Hot9Pattern();

    [GeneratedRegex("^6[0-9]{8}$")]
    private static partial Regex ReceiptDrugPattern();

    private sealed record RawClaim(
        string? Status, CodeableConcept? ClaimType, ResourceReference? Patient, Period? Billable, string? Created,
        ResourceReference? Insurer, ResourceReference? Provider, ResourceReference? Claim, List<RawItem> Items);

    private sealed record RawItem(int? Sequence, CodeableConcept? ProductOrService, DataType? Serviced, Quantity? Quantity);
}

/// <summary>One way an input departs from what the feed accepts, with the FHIRPath of the element.</summary>
public sealed record FeedIssue(string Message, string Expression);
