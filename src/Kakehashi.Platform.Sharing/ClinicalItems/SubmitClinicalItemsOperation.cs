using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Fhir.Validation;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// <c>POST Patient/[id]/$submit-clinical-items</c>: a medical institution registers the patient's
/// clinical items (a JP-CLINS collection Bundle, or a single item) — diagnoses (Condition),
/// infections and labs (Observation), allergies (AllergyIntolerance) and prescriptions
/// (MedicationRequest). Every item is validated against its eCS profile and must be confirmed;
/// any problem refuses the whole submission with 422 listing every error, nothing stored.
/// Diagnoses are a full replacement per sender (and department when given): the sender's earlier
/// diagnoses of this patient are deleted and the new list stored. The other items are added.
/// Items that ended more than five years ago are skipped (counted in the answer).
/// </summary>
public sealed class SubmitClinicalItemsOperation(ResourceService resources, SearchService search, ProfileValidator validator, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "submit-clinical-items";

    public string Name => OperationName;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-submit-clinical-items";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Http.Caller;
        if (caller is not null && caller.Role != KnownRoles.System
            && caller.OrganizationKind is not (KnownOrganizationKinds.Hospital or KnownOrganizationKinds.Clinic or KnownOrganizationKinds.DentalClinic))
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                "Clinical items are registered by medical institutions (医療機関) from their electronic records.");
        }

        var body = request.Parameters.Parameter.FirstOrDefault(p => p.Name == "resource")?.Resource
            ?? throw FhirException.BadRequest("Send the clinical items — a JP-CLINS collection Bundle or a single item — as the body.");
        var id = request.Id!;
        await resources.ReadAsync("Patient", id, request.Transaction, cancellationToken);

        var items = Items(body);
        var issues = new List<(string Message, string? Path)>();
        foreach (var (item, path) in items)
        {
            if (ClinicalItemRules.Unconfirmed(item, path) is { } unconfirmed)
            {
                issues.Add(unconfirmed);
            }

            var outcome = validator.Validate(item, ClinicalItemProfiles.For(item));
            foreach (var issue in outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
            {
                var where = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();
                issues.Add((issue.Diagnostics ?? issue.Details?.Text ?? "Invalid.", where is null ? path : path + " (" + where + ")"));
            }
        }

        if (items.Count == 0)
        {
            issues.Add(("The body holds no clinical item (Condition, AllergyIntolerance, Observation or MedicationRequest).", "Bundle.entry"));
        }

        if (issues.Count > 0)
        {
            var error = new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, issues[0].Message, issues[0].Path);
            foreach (var issue in issues.Skip(1))
            {
                error.AddIssue(OperationOutcome.IssueType.Invalid, issue.Message, issue.Path);
            }

            throw error;
        }

        var sender = caller?.OrganizationCode;
        var department = items.Select(i => Department(i.Item)).FirstOrDefault(d => d is not null);
        var cutoff = time.GetUtcNow().AddYears(-5);
        var created = new List<string>();
        var skipped = 0;
        var replaced = 0;
        var writer = new Writer(caller, null);
        await InTransactionAsync(request.Transaction, async transaction =>
        {
            if (items.Any(i => i.Item is Condition))
            {
                replaced = await RemoveSendersDiagnosesAsync(request, id, sender, department, transaction, cancellationToken);
            }

            foreach (var (item, _) in items)
            {
                if (ClinicalItemRules.Ended(item) is { } ended && ended < cutoff)
                {
                    skipped++;
                    continue;
                }

                Prepare(item, id, department);
                var response = await resources.CreateAsync(item.TypeName, item, null, writer, transaction, cancellationToken);
                created.Add(item.TypeName + "/" + response.Stored!.Id);
            }
        }, cancellationToken);

        var result = new Parameters();
        result.Add("patient", new ResourceReference("Patient/" + id));
        foreach (var reference in created)
        {
            result.Add("item", new ResourceReference(reference));
        }

        result.Add("stored", new Integer(created.Count));
        result.Add("replacedDiagnoses", new Integer(replaced));
        result.Add("skippedEnded", new Integer(skipped));
        return new FhirResponse { Status = HttpStatusCode.OK, Resource = result };
    }

    private async System.Threading.Tasks.Task InTransactionAsync(IResourceTransaction? outer, Func<IResourceTransaction, System.Threading.Tasks.Task> work, CancellationToken cancellationToken)
    {
        if (outer is not null)
        {
            await work(outer);
            return;
        }

        await using var transaction = await resources.Store.BeginTransactionAsync(cancellationToken);
        await work(transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The clinical items of the body with their element paths; other entries (Patient, Encounter, Organization) are context only.</summary>
    private static List<(Resource Item, string Path)> Items(Resource body) => body switch
    {
        Bundle bundle => [.. bundle.Entry.Select((e, i) => (e.Resource, Path: $"Bundle.entry[{i}].resource")).Where(e => IsItem(e.Resource)).Select(e => (e.Resource!, e.Path))],
        _ when IsItem(body) => [(body, body.TypeName)],
        _ => [],
    };

    private static bool IsItem(Resource? resource) => resource is Condition or AllergyIntolerance or Observation or MedicationRequest;

    private static string? Department(Resource item) =>
        (item as DomainResource)?.Extension.FirstOrDefault(e => e.Url == ClinicalItemTags.DepartmentExtension)?.Value switch
        {
            CodeableConcept c => c.Coding.FirstOrDefault()?.Code,
            Coding c => c.Code,
            _ => null,
        };

    /// <summary>
    /// The subject becomes the platform's patient; references into the sender's own record
    /// (encounter, practitioners, bundle-local urn:uuid) are dropped, the sender is stamped by
    /// the server (author tag), and the department is tagged for the full replacement.
    /// </summary>
    private static void Prepare(Resource item, string patientId, string? department)
    {
        item.Id = null;
        var patient = new ResourceReference("Patient/" + patientId);
        switch (item)
        {
            case Condition c:
                c.Subject = patient;
                c.Encounter = null;
                c.Recorder = null;
                c.Asserter = null;
                c.Evidence.Clear();
                break;
            case AllergyIntolerance a:
                a.Patient = patient;
                a.Encounter = null;
                a.Recorder = null;
                a.Asserter = null;
                break;
            case Observation o:
                o.Subject = patient;
                o.Encounter = null;
                o.Performer.Clear();
                o.Specimen = null;
                o.HasMember.Clear();
                o.DerivedFrom.Clear();
                o.BasedOn.Clear();
                break;
            case MedicationRequest m:
                m.Subject = patient;
                m.Encounter = null;
                m.Requester = null;
                m.Recorder = null;
                m.Performer = null;
                m.BasedOn.Clear();
                m.PriorPrescription = null;
                break;
        }

        if (item is DomainResource domain)
        {
            domain.Contained.RemoveAll(c => c is Hl7.Fhir.Model.Patient or Practitioner or PractitionerRole or Encounter);
        }

        item.Meta ??= new Meta();
        item.Meta.Tag.RemoveAll(t => t.System == ClinicalItemTags.DepartmentTagSystem);
        if (department is not null)
        {
            item.Meta.Tag.Add(new Coding(ClinicalItemTags.DepartmentTagSystem, department));
        }
    }

    /// <summary>The sender's (and department's) earlier diagnoses of this patient, deleted through the resource service.</summary>
    private async Task<int> RemoveSendersDiagnosesAsync(OperationRequest request, string patientId, string? sender, string? department, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (sender is null)
        {
            return 0;
        }

        var query = new List<KeyValuePair<string, string>>
        {
            new("patient", "Patient/" + patientId),
            new("_tag", SqlAccessPredicate.AuthorTagSystem + "|" + sender),
            new("_count", "1000"),
        };
        if (department is not null)
        {
            query.Add(new("_tag", ClinicalItemTags.DepartmentTagSystem + "|" + department));
        }

        var probe = new FhirRequest { Method = "GET", Path = "Condition", Query = query, BaseUrl = request.Http.BaseUrl, Caller = request.Http.Caller };
        var found = await search.SearchAsync("Condition", probe, transaction, cancellationToken);
        var removed = 0;
        foreach (var entry in found.Bundle?.Entries.Where(e => e.SearchMode == Bundle.SearchEntryMode.Match) ?? [])
        {
            await resources.DeleteAsync("Condition", entry.Stored!.Id, null, transaction, cancellationToken);
            removed++;
        }

        return removed;
    }
}
