using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// What the service reads from a prescription document Bundle (JP ePrescriptionData): the insured
/// person (the Coverage's insurer number, 記号, 番号, 枝番 — how the national service identifies a
/// patient), the drugs of its MedicationRequests, and the refill count. Structural problems are
/// collected, not thrown one by one, so a refusal names all of them.
/// </summary>
public sealed class PrescriptionDocument
{
    private PrescriptionDocument(Bundle bundle, InsuredNumber? insured, IReadOnlyList<PrescribedDrug> drugs, int uses, IReadOnlyList<string> drugProblems, IReadOnlyList<string> problems)
    {
        Bundle = bundle;
        Insured = insured;
        Drugs = drugs;
        Uses = uses;
        DrugProblems = drugProblems;
        Problems = [.. drugProblems, .. problems];
    }

    public Bundle Bundle { get; }

    public InsuredNumber? Insured { get; }

    public IReadOnlyList<PrescribedDrug> Drugs { get; }

    /// <summary>How many times it may be dispensed: 1, or 2–3 for a refill prescription (リフィル).</summary>
    public int Uses { get; }

    /// <summary>What keeps the drugs from being read (what a draft check cannot do without).</summary>
    public IReadOnlyList<string> DrugProblems { get; }

    /// <summary>Every problem: the drugs' and the rest of the document's.</summary>
    public IReadOnlyList<string> Problems { get; }

    public IEnumerable<MedicationRequest> Requests => Bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>();

    public static PrescriptionDocument Read(Bundle bundle, bool requireInsured)
    {
        var problems = new List<string>();
        if (bundle.Type != Bundle.BundleType.Document)
        {
            problems.Add("A prescription is a document Bundle (Bundle.type = document).");
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is not Composition)
        {
            problems.Add("The first entry of a prescription document is its Composition.");
        }

        var inpatient = bundle.Entry.Select(e => e.Resource).OfType<Encounter>().Any(e => e.Class?.Code == "IMP");
        var drugProblems = new List<string>();
        var drugs = new List<PrescribedDrug>();
        var repeats = new HashSet<int>();
        var line = 0;
        foreach (var request in bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>())
        {
            line++;
            drugs.Add(FromRequest(line, request, inpatient, drugProblems));
            repeats.Add(request.DispenseRequest?.NumberOfRepeatsAllowed ?? 0);
        }

        if (drugs.Count == 0)
        {
            drugProblems.Add("The prescription has no MedicationRequest.");
        }

        if (repeats.Count > 1)
        {
            problems.Add("A refill prescription (リフィル) is refilled as a whole: every MedicationRequest gives the same dispenseRequest.numberOfRepeatsAllowed.");
        }

        var uses = 1 + repeats.DefaultIfEmpty(0).Max();
        if (uses > 3)
        {
            problems.Add($"A refill prescription (リフィル) is used at most 3 times; numberOfRepeatsAllowed = {uses - 1} asks for {uses}.");
        }

        var insured = ReadInsured(bundle, requireInsured, problems);
        return new PrescriptionDocument(bundle, insured, drugs, Math.Min(uses, 3), drugProblems, problems);
    }

    public void ThrowIfInvalid()
    {
        if (Problems.Count > 0)
        {
            throw Invalid(Problems);
        }
    }

    public static FhirException Invalid(IEnumerable<string> problems)
    {
        var outcome = new OperationOutcome();
        foreach (var problem in problems)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invalid, Diagnostics = problem });
        }

        return new FhirException(System.Net.HttpStatusCode.UnprocessableEntity, outcome);
    }

    private static PrescribedDrug FromRequest(int line, MedicationRequest request, bool inpatient, List<string> problems)
    {
        var concept = request.Medication as CodeableConcept;
        var yj = concept?.Coding.FirstOrDefault(c => KnownPrescriptionSystems.IsYj(c.System))?.Code;
        var display = concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? yj ?? "";
        if (concept is null || concept.Coding.Count == 0)
        {
            problems.Add($"MedicationRequest {line} names no drug code (medicationCodeableConcept.coding).");
        }

        var days = DaysOf(request.DispenseRequest?.ExpectedSupplyDuration)
                   ?? request.DosageInstruction.Select(d => DaysOf(d.Timing?.Repeat?.Bounds as Duration)).FirstOrDefault(d => d is not null);
        if (days is <= 0 or > 365)
        {
            problems.Add($"MedicationRequest {line}: {days} days is not a supply (1 to 365 days).");
            days = null;
        }

        var asNeeded = request.DosageInstruction.Any(d => d.AsNeeded is FhirBoolean { Value: true } or CodeableConcept);
        var isInpatient = inpatient || request.Category.Any(c => c.Coding.Any(x => x.System == KnownPrescriptionSystems.MedicationRequestCategory && x.Code == "inpatient"));
        return new PrescribedDrug(line, yj, display, days, asNeeded, isInpatient);
    }

    private static int? DaysOf(Duration? duration) => duration?.Value is { } value && duration.Code is "d" or null
        ? (int)decimal.Round(value)
        : null;

    private static InsuredNumber? ReadInsured(Bundle bundle, bool required, List<string> problems)
    {
        var coverage = bundle.Entry.Select(e => e.Resource).OfType<Coverage>()
            .FirstOrDefault(c => c.Extension.Any(x => x.Url == KnownJapanSystems.InsuredNumberExtension));
        if (coverage is null)
        {
            if (required)
            {
                problems.Add("The prescription names no insured person: a Coverage with the insured number (JP_Coverage_InsuredPersonNumber) and its insurer (payor).");
            }

            return null;
        }

        var payor = coverage.Payor.FirstOrDefault()?.Reference;
        var insurer = bundle.Entry
            .Where(e => e.Resource is Organization && (e.FullUrl == payor || "Organization/" + e.Resource.Id == payor))
            .Select(e => ((Organization)e.Resource!).Identifier.FirstOrDefault(i => i.System == KnownJapanSystems.InsurerNumber)?.Value)
            .FirstOrDefault(v => v is not null);
        string? Extension(string url) => (coverage.Extension.FirstOrDefault(x => x.Url == url)?.Value as FhirString)?.Value;
        try
        {
            return InsuredNumber.From(insurer, Extension(KnownJapanSystems.InsuredSymbolExtension), Extension(KnownJapanSystems.InsuredNumberExtension),
                Extension(KnownJapanSystems.InsuredBranchExtension) ?? coverage.Dependent, "Bundle.entry.Coverage");
        }
        catch (FhirException e)
        {
            problems.Add("The insured person's Coverage: " + e.Outcome.Issue.FirstOrDefault()?.Diagnostics);
            return null;
        }
    }
}
