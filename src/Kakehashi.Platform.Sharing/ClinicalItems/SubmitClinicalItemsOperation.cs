using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// <c>POST Patient/[id]/$submit-clinical-items</c>: a doctor or dentist of a medical institution
/// registers the patient's clinical items (the JP-CLINS clinical-items Bundle as the body). Each
/// item is stored as a FHIR resource through the resource service, in one transaction, tagged with
/// its kind and — by the server — with the sending institution. An item the sender already sent
/// (same identifier) is updated; the sender's <b>diagnoses are a full replacement</b> per sending
/// institution and department: a diagnosis missing from this submission is deleted from that
/// sender's list, never from another sender's. Diagnoses that ended more than five years ago are
/// left out (counted in the answer), as the service's retention would remove them anyway.
/// </summary>
public sealed class SubmitClinicalItemsOperation(
    IResourceStore store, ResourceService resources, ClinicalItemsSubmission submission, SearchQueryParser parser, AccessPolicy policy, ViewingWindows windows)
    : IFhirOperation
{
    public const string OperationName = "submit-clinical-items";

    public string Name => OperationName;

    // The sender is the source of the items: it needs no consent to send them, and the patient's
    // visibility to it is not what decides (the role and the institution are checked here).
    public OperationAccess Access => OperationAccess.SelfNarrowing;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-submit-clinical-items";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Http.Caller;
        if (caller is not { Role: KnownRoles.Doctor or KnownRoles.Dentist, OrganizationKind: KnownOrganizationKinds.Hospital or KnownOrganizationKinds.Clinic or KnownOrganizationKinds.DentalClinic, OrganizationCode: { } institution })
        {
            throw FhirException.Forbidden("Clinical items are registered by the doctors and dentists of medical institutions (電子カルテ情報共有サービス).");
        }

        foreach (var type in new[] { "Condition", "Observation", "AllergyIntolerance", "MedicationRequest" })
        {
            if (!policy.Allows(caller.Role, type, 'c') || !caller.Scopes.Any(s => s.Grants(type, 'c')))
            {
                throw FhirException.Forbidden($"Registering clinical items needs the right to create {type}, which the role or the access token's scopes do not give.");
            }
        }

        if (request.Parameters.Parameter.FirstOrDefault(p => p.Name == "resource")?.Resource is not Bundle bundle)
        {
            throw FhirException.BadRequest("Send the clinical items — a JP_Bundle_CLINS collection Bundle — as the body.");
        }

        var patientKey = "Patient/" + request.Id;
        var patient = request.Transaction is null ? await store.ReadAsync("Patient", request.Id!, cancellationToken) : await request.Transaction.ReadAsync("Patient", request.Id!, cancellationToken);
        if (patient is null || patient.IsDeleted)
        {
            throw FhirException.NotFound($"{patientKey} is not known.");
        }

        var reading = await submission.ReadAsync(bundle, cancellationToken);
        var items = reading.Items;
        var kept = items.Where(i => !windows.EndedBeyondRetention(i.Resource)).ToList();
        var writer = new Writer(caller, null);
        var counts = new Counts { Excluded = items.Count - kept.Count };
        if (request.Transaction is { } outer)
        {
            await StoreAsync(outer, patientKey, institution, kept, writer, counts, cancellationToken);
        }
        else
        {
            await using var transaction = await store.BeginTransactionAsync(cancellationToken);
            await StoreAsync(transaction, patientKey, institution, kept, writer, counts, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var result = new Parameters();
        result.Add("patient", new ResourceReference(patientKey));
        result.Add("created", new Integer(counts.Created));
        result.Add("updated", new Integer(counts.Updated));
        result.Add("removed", new Integer(counts.Removed));
        result.Add("excluded", new Integer(counts.Excluded));
        if (reading.Notes.Count > 0)
        {
            // What was accepted with a remark (e.g. a drug code checked only as its drug): for the sender, nothing refused.
            result.Parameter.Add(new Parameters.ParameterComponent { Name = "outcome", Resource = new OperationOutcome { Issue = [.. reading.Notes] } });
        }

        return new FhirResponse { Status = HttpStatusCode.OK, Resource = result };
    }

    private async System.Threading.Tasks.Task StoreAsync(IResourceTransaction transaction, string patientKey, string institution, List<SubmittedItem> items, Writer writer, Counts counts, CancellationToken cancellationToken)
    {
        // The diagnosis lists this submission replaces: one per department it names.
        var departments = items.Where(i => i.Kind == ClinicalItemKind.Diagnosis).Select(i => Department(i.Resource)).ToHashSet(StringComparer.Ordinal);
        if (items.Count == 0)
        {
            // A submission of no items at all clears the sender's diagnoses (those without a department).
            departments.Add(ClinicalItemKind.NoDepartment);
        }

        var existing = new Dictionary<string, List<StoredResource>>(StringComparer.Ordinal);
        foreach (var kind in ClinicalItemKind.All)
        {
            existing[kind] = await SendersItemsAsync(transaction, patientKey, institution, kind, cancellationToken);
        }

        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var resource = Prepare(item, patientKey, institution);
            var type = ClinicalItemKind.TypeOf(item.Kind);
            var keys = Keys(resource);
            var previous = keys.Count == 0 ? null : existing[item.Kind].FirstOrDefault(s => !matched.Contains(s.Key) && Keys(s).Overlaps(keys));
            if (previous is not null)
            {
                matched.Add(previous.Key);
                resource.Id = previous.Id;
                await resources.UpdateAsync(type, previous.Id, resource, null, writer, transaction, cancellationToken);
                counts.Updated++;
            }
            else
            {
                resource.Id = null;
                await resources.CreateAsync(type, resource, null, writer, transaction, cancellationToken);
                counts.Created++;
            }
        }

        foreach (var stale in existing[ClinicalItemKind.Diagnosis].Where(s => !matched.Contains(s.Key) && departments.Contains(DepartmentTag(s))))
        {
            await resources.DeleteAsync("Condition", stale.Id, null, transaction, cancellationToken);
            counts.Removed++;
        }
    }

    private async Task<List<StoredResource>> SendersItemsAsync(IResourceTransaction transaction, string patientKey, string institution, string kind, CancellationToken cancellationToken)
    {
        var query = parser.Parse(ClinicalItemKind.TypeOf(kind), [
            new("patient", patientKey),
            new("_tag", ClinicalItemKind.TagSystem + "|" + kind),
            new("_tag", SqlAccessPredicate.AuthorTagSystem + "|" + institution)], lenient: false) with
        { Count = ClinicalItemsSubmission.MaxEntries * 4 };
        return [.. (await transaction.SearchAsync(query, cancellationToken)).Matches];
    }

    /// <summary>The item as stored: about this patient, tagged with its kind (and a diagnosis with its department); client-sent copies of the server's tags dropped.</summary>
    private static Resource Prepare(SubmittedItem item, string patientKey, string institution)
    {
        // The sending institution is the caller's, whatever the item claims (JP-CLINS eCS_InstitutionNumber).
        if (item.Resource is DomainResource domain)
        {
            domain.Extension.RemoveAll(e => e.Url == InstitutionExtension);
            domain.Extension.Insert(0, new Extension(InstitutionExtension, new Identifier(KnownJapanSystems.InstitutionCode, institution)));
        }

        var resource = item.Resource;
        var subject = new ResourceReference(patientKey);
        switch (resource)
        {
            case Condition c: c.Subject = subject; break;
            case Observation o: o.Subject = subject; break;
            case AllergyIntolerance a: a.Patient = subject; break;
            case MedicationRequest m: m.Subject = subject; break;
        }

        resource.Meta ??= new Meta();
        // Checked against its JP-CLINS profile on submission; stored, it carries the platform's
        // tags (kind, department, author), which that profile's closed meta.tag slicing forbids —
        // so the stored copy no longer claims the profile, and the write pipeline does not re-check it.
        resource.Meta.Profile = [];
        resource.Meta.Tag.RemoveAll(t => t.System is ClinicalItemKind.TagSystem or ClinicalItemKind.DepartmentTagSystem);
        resource.Meta.Tag.Add(new Coding(ClinicalItemKind.TagSystem, item.Kind));
        if (item.Kind == ClinicalItemKind.Diagnosis)
        {
            resource.Meta.Tag.Add(new Coding(ClinicalItemKind.DepartmentTagSystem, Department(resource)));
        }

        return resource;
    }

    /// <summary>The sending department (JP-CLINS eCS_Department extension) a diagnosis list belongs to.</summary>
    internal static string Department(Resource resource) =>
        (resource as DomainResource)?.Extension.FirstOrDefault(e => e.Url == DepartmentExtension)?.Value is CodeableConcept { } department
            ? department.Coding.FirstOrDefault()?.Code ?? department.Text ?? ClinicalItemKind.NoDepartment
            : ClinicalItemKind.NoDepartment;

    public const string DepartmentExtension = "http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department";

    public const string InstitutionExtension = "http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber";

    private static string DepartmentTag(StoredResource stored) =>
        ItemJson.Tags(stored.Json, ClinicalItemKind.DepartmentTagSystem).FirstOrDefault() ?? ClinicalItemKind.NoDepartment;

    private static HashSet<string> Keys(Resource resource) =>
        [.. (resource switch
        {
            Condition c => c.Identifier,
            Observation o => o.Identifier,
            AllergyIntolerance a => a.Identifier,
            MedicationRequest m => m.Identifier,
            _ => [],
        }).Where(i => i.System == ItemJson.InstanceIdentifier).Select(i => i.Value).OfType<string>()];

    private static HashSet<string> Keys(StoredResource stored) => ItemJson.Identifiers(stored.Json);

    private sealed class Counts
    {
        public int Created { get; set; }

        public int Updated { get; set; }

        public int Removed { get; set; }

        public int Excluded { get; init; }
    }
}
