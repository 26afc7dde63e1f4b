using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Validation;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// Reads a clinical-items Bundle (JP-CLINS <c>JP_Bundle_CLINS</c>, a collection) into the items it
/// carries, or refuses it with 422 listing every problem: an entry of none of the six kinds, an
/// entry invalid against its JP-CLINS profile, an item that is not confirmed, or a prescription
/// whose drug code (YJ code, 一般名処方コード) names no drug of the drug master — which the profile
/// cannot check, as no FHIR package carries those code lists. Only confirmed information is shared
/// (電子カルテ情報共有サービス): a suspected diagnosis, a preliminary result or a draft prescription
/// stays in the sender's own record.
/// </summary>
public sealed class ClinicalItemsSubmission(ProfileValidator validator, IDrugCodeDirectory drugs)
{
    public const string BundleProfile = "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS";

    /// <summary>More entries than this in one submission is refused (a sender splits a larger backlog).</summary>
    public const int MaxEntries = 5_000;

    public async Task<ClinicalItemsReading> ReadAsync(Bundle bundle, CancellationToken cancellationToken)
    {
        if (bundle.Type != Bundle.BundleType.Collection)
        {
            throw FhirException.Unprocessable("Clinical items are sent as a JP_Bundle_CLINS collection Bundle (Bundle.type = collection).", "Bundle.type");
        }

        if (bundle.Entry.Count > MaxEntries)
        {
            throw FhirException.Unprocessable($"A submission carries at most {MaxEntries} entries; this one has {bundle.Entry.Count}.", "Bundle.entry");
        }

        var items = new List<SubmittedItem>();
        var problems = new OperationOutcome();
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var resource = bundle.Entry[i].Resource;
            var path = $"Bundle.entry[{i}].resource";
            if (resource is null)
            {
                Add(problems, "An entry without a resource.", $"Bundle.entry[{i}]");
                continue;
            }

            if (resource is Patient)
            {
                // The patient is named in the path; the Bundle's copy is the sender's context only.
                continue;
            }

            if (ClinicalItemKind.Of(resource) is not { } kind)
            {
                Add(problems, $"A {resource.TypeName} is none of the six clinical items (Condition, AllergyIntolerance, Observation, MedicationRequest).", path);
                continue;
            }

            var outcome = validator.Validate(resource, ProfileFor(resource, kind));
            foreach (var issue in outcome.Issue.Where(e => e.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
            {
                issue.Expression = [.. issue.Expression.OfType<string>().Select(e => StripType(e, resource.TypeName) is { Length: > 0 } element ? path + "." + element : path)];
                if (!issue.Expression.Any())
                {
                    issue.Expression = [path];
                }

                problems.Issue.Add(issue);
            }

            if (Unconfirmed(resource) is { } reason)
            {
                Add(problems, reason.Message, path + "." + reason.Element);
            }

            items.Add(new SubmittedItem(i, kind, resource));
        }

        var notes = await CheckDrugCodesAsync(items, problems, cancellationToken);
        if (problems.Issue.Count > 0)
        {
            throw new FhirException(HttpStatusCode.UnprocessableEntity, problems);
        }

        if (items.Count == 0 && bundle.Entry.All(e => e.Resource is not Patient))
        {
            throw FhirException.Unprocessable("The Bundle carries no clinical item.", "Bundle.entry");
        }

        return new ClinicalItemsReading(items, notes);
    }

    /// <summary>
    /// Each prescription's medication codes against the drug master (one version for the whole
    /// Bundle): an unknown code is a problem at its coding; a code checked only in part, a note.
    /// </summary>
    private async Task<List<OperationOutcome.IssueComponent>> CheckDrugCodesAsync(List<SubmittedItem> items, OperationOutcome problems, CancellationToken cancellationToken)
    {
        var codings = new List<(string Path, Coding Coding)>();
        foreach (var item in items)
        {
            if (item.Resource is MedicationRequest { Medication: CodeableConcept medication })
            {
                for (var j = 0; j < medication.Coding.Count; j++)
                {
                    if (medication.Coding[j] is { Code.Length: > 0 } coding)
                    {
                        codings.Add(($"{item.Path}.medicationCodeableConcept.coding[{j}].code", coding));
                    }
                }
            }
        }

        var notes = new List<OperationOutcome.IssueComponent>();
        var answers = await drugs.LookUpAsync([.. codings.Select(c => c.Coding)], cancellationToken);
        for (var k = 0; k < codings.Count; k++)
        {
            switch (answers[k])
            {
                case { Verdict: DrugCodeVerdict.Unknown, Message: var message }:
                    Add(problems, message ?? $"The drug code {codings[k].Coding.Code} is not in the drug master.", codings[k].Path, OperationOutcome.IssueType.CodeInvalid);
                    break;
                case { Verdict: DrugCodeVerdict.Known, Message: { } note }:
                    notes.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Information,
                        Code = OperationOutcome.IssueType.Informational,
                        Diagnostics = note,
                        Expression = [codings[k].Path],
                    });
                    break;
            }
        }

        return notes;
    }

    /// <summary>The JP-CLINS profile the item declares (e.g. a text-only observation), else its kind's.</summary>
    private static string ProfileFor(Resource resource, string kind) =>
        resource.Meta?.Profile.OfType<string>().Select(p => p.Split('|')[0]).FirstOrDefault(p => p.StartsWith(EcsProfiles + resource.TypeName + "_", StringComparison.Ordinal))
        ?? ClinicalItemKind.ProfileOf(kind);

    private const string EcsProfiles = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_";

    /// <summary>Why an item is not confirmed information, or null when it is.</summary>
    internal static (string Message, string Element)? Unconfirmed(Resource resource) => resource switch
    {
        Condition c when c.VerificationStatus?.Coding.FirstOrDefault(x => x.System == "http://terminology.hl7.org/CodeSystem/condition-ver-status")?.Code is not "confirmed" =>
            ($"Only confirmed diagnoses are shared; this one is '{c.VerificationStatus?.Coding.FirstOrDefault()?.Code ?? "without a verification status"}' (suspected and provisional diagnoses stay in the sender's record).", "verificationStatus"),
        AllergyIntolerance a when a.VerificationStatus is { } status && status.Coding.FirstOrDefault()?.Code is not "confirmed" =>
            ($"Only confirmed allergies are shared; this one is '{status.Coding.FirstOrDefault()?.Code}'.", "verificationStatus"),
        Observation o when o.Status is not (ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected) =>
            ($"Only final results are shared; this one is '{o.Status?.ToString().ToLowerInvariant() ?? "without a status"}'.", "status"),
        MedicationRequest m when m.Status is not (MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.Completed) =>
            ($"Only issued prescriptions (active or completed) are shared; this one is '{m.Status?.ToString().ToLowerInvariant() ?? "without a status"}'.", "status"),
        _ => null,
    };

    private static string StripType(string expression, string type) =>
        expression.StartsWith(type + ".", StringComparison.Ordinal) ? expression[(type.Length + 1)..] : expression == type ? "" : expression;

    private static void Add(OperationOutcome outcome, string message, string expression, OperationOutcome.IssueType type = OperationOutcome.IssueType.Invalid) =>
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = type,
            Diagnostics = message,
            Expression = [expression],
        });
}
