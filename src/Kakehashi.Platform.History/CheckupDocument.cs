using Hl7.Fhir.Model;
using Kakehashi.Platform.Security;
using Organization = Hl7.Fhir.Model.Organization;

namespace Kakehashi.Platform.History;

/// <summary>
/// A specific health checkup (特定健診) result as the eCheckupReport guide shapes it: a
/// <c>document</c> Bundle whose first entry is a Composition of type 53576-5 (検診・健診報告書) for
/// a 特定健診, with the results as Observations coded by 特定健診項目コード in its sections.
/// <see cref="Read"/> checks the parts the platform relies on and lists every departure with
/// the element's path; it does not replace validation against the guide's profiles.
/// </summary>
public sealed class CheckupDocument
{
    private CheckupDocument(Bundle bundle) => Bundle = bundle;

    public Bundle Bundle { get; }

    public string IdentifierSystem { get; private set; } = "";

    public string IdentifierValue { get; private set; } = "";

    public DateOnly Date { get; private set; }

    public Patient? Patient { get; private set; }

    public int PatientIndex { get; private set; } = -1;

    /// <summary>The checkup institution (custodian), by its 10-digit code when the document gives one.</summary>
    public string? InstitutionCode { get; private set; }

    public string? InstitutionName { get; private set; }

    /// <summary>The insurer the document names (a Coverage's payor), if any.</summary>
    public string? InsurerNumber { get; private set; }

    /// <summary>The insured person's 記号, 番号 and 枝番 as the document's Coverage gives them (JP Core extensions), if it does.</summary>
    public (string? Symbol, string Number, string? Branch)? InsuredPerson { get; private set; }

    /// <summary>Where the insured number was read, for error messages.</summary>
    public string InsuredPersonPath { get; private set; } = "";

    /// <summary>The results in section order: their entry index and fullUrl in the document.</summary>
    public List<(int Index, string FullUrl, Observation Observation)> Observations { get; } = [];

    public static (CheckupDocument? Document, IReadOnlyList<FeedIssue> Issues) Read(Bundle bundle)
    {
        var document = new CheckupDocument(bundle);
        var issues = new List<FeedIssue>();
        document.ReadInto(issues);
        return issues.Count == 0 ? (document, []) : (null, issues);
    }

    /// <summary>The entry a reference inside the document points to (by fullUrl, or Type/id), with its index; (-1, null) if none.</summary>
    public (int Index, Resource? Resource) Resolve(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return (-1, null);
        }

        for (var i = 0; i < Bundle.Entry.Count; i++)
        {
            var entry = Bundle.Entry[i];
            if (entry.Resource is null)
            {
                continue;
            }

            if (entry.FullUrl == reference || entry.Resource.TypeName + "/" + entry.Resource.Id == reference
                || (entry.FullUrl is { } full && full.EndsWith("/" + reference, StringComparison.Ordinal)))
            {
                return (i, entry.Resource);
            }
        }

        return (-1, null);
    }

    private void ReadInto(List<FeedIssue> issues)
    {
        if (Bundle.Type != Bundle.BundleType.Document)
        {
            issues.Add(new("A checkup report is a FHIR document: a Bundle of type 'document'.", "Bundle.type"));
        }

        if (Bundle.Identifier is not { System: { Length: > 0 } system, Value: { Length: > 0 } value })
        {
            issues.Add(new("The document has an identifier (system and value); registering the same identifier again replaces the report.", "Bundle.identifier"));
        }
        else
        {
            IdentifierSystem = system;
            IdentifierValue = value;
        }

        if (Bundle.Entry.FirstOrDefault()?.Resource is not Composition composition)
        {
            issues.Add(new("The first entry of a document is its Composition.", "Bundle.entry[0].resource"));
            return;
        }

        const string C = "Bundle.entry[0].resource";
        if (composition.Type?.Coding.Any(c => c.System == KnownHistorySystems.DocumentType && c.Code == KnownHistorySystems.CheckupDocumentType) != true)
        {
            issues.Add(new($"The Composition's type is {KnownHistorySystems.DocumentType}|{KnownHistorySystems.CheckupDocumentType} (検診・健診報告書).", C + ".type"));
        }

        var specific = composition.Category.SelectMany(c => c.Coding).Any(c =>
                           c.System is KnownHistorySystems.CheckupReportCategory or KnownHistorySystems.CheckupReportCategoryUri && c.Code == KnownHistorySystems.SpecificCheckupCategory)
                       || composition.Event.SelectMany(e => e.Code).SelectMany(c => c.Coding).Any(c =>
                           c.System == KnownHistorySystems.CheckupProgram && c.Code == KnownHistorySystems.SpecificCheckupProgram);
        if (!specific)
        {
            issues.Add(new(
                $"The report is a specific health checkup (特定健診): category {KnownHistorySystems.CheckupReportCategory}|{KnownHistorySystems.SpecificCheckupCategory} or event code {KnownHistorySystems.CheckupProgram}|{KnownHistorySystems.SpecificCheckupProgram}.",
                C + ".category"));
        }

        var (patientIndex, patient) = Resolve(composition.Subject?.Reference);
        if (patient is not Patient person)
        {
            issues.Add(new("The Composition's subject is the Patient entry of the document.", C + ".subject"));
        }
        else
        {
            Patient = person;
            PatientIndex = patientIndex;
        }

        ReadInstitution(composition, issues);
        ReadInsurer(issues);
        ReadObservations(composition, patientIndex, issues);

        var (_, encounter) = Resolve(composition.Encounter?.Reference);
        var date = JapanDates.DayOf((encounter as Encounter)?.Period?.Start)
                   ?? JapanDates.DayOf(composition.Event.FirstOrDefault()?.Period?.Start)
                   ?? Observations.Select(o => JapanDates.DayOf((o.Observation.Effective as FhirDateTime)?.Value)).FirstOrDefault(d => d is not null);
        if (date is null)
        {
            issues.Add(new("The day of the checkup is given: the period of the Composition's encounter (or of its event), as a full date.", C + ".encounter"));
        }
        else
        {
            Date = date.Value;
        }
    }

    private void ReadInstitution(Composition composition, List<FeedIssue> issues)
    {
        var (index, custodian) = Resolve(composition.Custodian?.Reference);
        if (custodian is not Organization organization)
        {
            return;
        }

        InstitutionName = organization.Name;
        if (organization.Identifier.FirstOrDefault(i => i.System == KnownHistorySystems.InstitutionCode) is { } code)
        {
            if (code.Value is null || !InstitutionCodes.IsValidInstitutionCode(code.Value))
            {
                issues.Add(new($"'{code.Value}' is not a 10-digit institution code with a valid check digit.", $"Bundle.entry[{index}].resource.identifier"));
            }
            else
            {
                InstitutionCode = code.Value;
            }
        }
    }

    private void ReadInsurer(List<FeedIssue> issues)
    {
        for (var i = 0; i < Bundle.Entry.Count; i++)
        {
            if (Bundle.Entry[i].Resource is Coverage { } insured && InsuredPerson is null
                && insured.GetStringExtension(KnownJapanSystems.InsuredNumberExtension) is { Length: > 0 } number)
            {
                InsuredPerson = (insured.GetStringExtension(KnownJapanSystems.InsuredSymbolExtension), number, insured.GetStringExtension(KnownJapanSystems.InsuredBranchExtension));
                InsuredPersonPath = $"Bundle.entry[{i}].resource";
            }
        }

        foreach (var coverage in Bundle.Entry.Select(e => e.Resource).OfType<Coverage>())
        {
            foreach (var payor in coverage.Payor)
            {
                var (index, resource) = Resolve(payor.Reference);
                var identifier = (resource as Organization)?.Identifier.FirstOrDefault(i => i.System is KnownHistorySystems.InsurerNumber or KnownHistorySystems.InsurerNumberUri)
                                 ?? (payor.Identifier is { System: KnownHistorySystems.InsurerNumber or KnownHistorySystems.InsurerNumberUri } direct ? direct : null);
                if (identifier is null)
                {
                    continue;
                }

                if (identifier.Value is null || !InstitutionCodes.IsValidInsurerNumber(identifier.Value))
                {
                    issues.Add(new($"'{identifier.Value}' is not an insurer number (8 or 6 digits with a valid check digit).", index >= 0 ? $"Bundle.entry[{index}].resource.identifier" : "Coverage.payor.identifier"));
                }
                else
                {
                    InsurerNumber ??= identifier.Value;
                }
            }
        }
    }

    private void ReadObservations(Composition composition, int patientIndex, List<FeedIssue> issues)
    {
        var seen = new HashSet<int>();
        void Walk(IList<Composition.SectionComponent> sections, string path)
        {
            for (var s = 0; s < sections.Count; s++)
            {
                var section = sections[s];
                for (var e = 0; e < section.Entry.Count; e++)
                {
                    var (index, resource) = Resolve(section.Entry[e].Reference);
                    if (resource is null)
                    {
                        issues.Add(new("A section entry refers to an entry of the document.", $"{path}.section[{s}].entry[{e}]"));
                    }
                    else if (resource is Observation observation && seen.Add(index))
                    {
                        CheckObservation(index, observation, patientIndex, issues);
                        Observations.Add((index, Bundle.Entry[index].FullUrl ?? "", observation));
                    }
                }

                Walk(section.Section, $"{path}.section[{s}]");
            }
        }

        Walk(composition.Section, "Bundle.entry[0].resource");
        if (Observations.Count == 0)
        {
            issues.Add(new("The document's sections list at least one result (Observation).", "Bundle.entry[0].resource.section"));
        }
    }

    private void CheckObservation(int index, Observation observation, int patientIndex, List<FeedIssue> issues)
    {
        var path = $"Bundle.entry[{index}].resource";
        if (observation.Code?.Coding.Any(c => c.System == KnownHistorySystems.CheckupItem && !string.IsNullOrEmpty(c.Code)) != true)
        {
            issues.Add(new($"A result is coded by its 特定健診項目コード ({KnownHistorySystems.CheckupItem}).", path + ".code"));
        }

        if (observation.Value is null && observation.DataAbsentReason is null)
        {
            issues.Add(new("A result has a value, or a dataAbsentReason saying why not.", path + ".value[x]"));
        }

        if (observation.Subject?.Reference is { } subject && Resolve(subject).Index != patientIndex)
        {
            issues.Add(new("A result's subject is the document's Patient.", path + ".subject"));
        }
    }
}
