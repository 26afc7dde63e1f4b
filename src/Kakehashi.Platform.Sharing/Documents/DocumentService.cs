using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Fhir.Validation;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Services;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// Submission, delivery and reading of the shared documents (docs/sharing.md "Documents"). A
/// document is validated against its guide's Bundle profile and refused with 422 listing every
/// error, or stored whole in one transaction (with, for a checkup report, its registration in the
/// checkup history). A correction is a new version that links to the one it replaces.
/// </summary>
public sealed class DocumentService(
    IResourceStore resources,
    FhirSerializer serializer,
    ProfileValidator validator,
    DocumentStore documents,
    ConsentGrantLookup consents,
    ICheckupReportRegistry checkups,
    IQualificationRegistry qualifications,
    IOptions<SharingOptions> options,
    TimeProvider time)
{
    private DocumentOptions Settings => options.Value.Documents;

    public async Task<SharedDocument> SubmitAsync(AccessContext caller, string? patientId, string? replacesId, byte[] body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(patientId))
        {
            throw FhirException.BadRequest("Name the patient: ?patient={id}, the platform's Patient id from the eligibility check.", "patient");
        }

        var bundle = Parse(body);
        var document = DocumentReader.Read(bundle);
        var sender = DocumentAccess.RequireSender(caller, document.Kind);
        Validate(bundle, document.Kind);

        var stored = await resources.ReadAsync("Patient", patientId, cancellationToken);
        if (stored is null || stored.IsDeleted)
        {
            throw FhirException.NotFound($"Patient/{patientId} is not known.");
        }

        RequireSamePerson(document, (Patient)serializer.ParseJson(stored.Json), patientId);
        if (DocumentKinds.IsAddressed(document.Kind) && document.RecipientCode is null)
        {
            throw FhirException.Unprocessable(
                "A referral names its recipient institution: an Organization with its institution number (insurance-medical-institution-no) in the 紹介先情報 section (910).",
                "Bundle.entry[0].resource.section");
        }

        var now = time.GetUtcNow();
        var json = Encoding.UTF8.GetString(body);
        var row = new SharedDocument(Guid.NewGuid().ToString("N"), document.Kind, "Patient/" + patientId, sender, document.SenderName, caller.Subject,
            document.RecipientCode, document.RecipientName, document.DocumentKey, document.Composition.Date, now, DocumentStatus.New, null, null, null, null,
            document.Kind == DocumentKinds.CheckupReport ? now.AddYears(Settings.CheckupRetentionYears) : null, json);

        await using var transaction = await resources.BeginTransactionAsync(cancellationToken);
        var sql = transaction.Sql();
        var earlier = replacesId is not null
            ? await documents.FindAsync(replacesId, sql, cancellationToken) is { } named && named.SenderCode == sender ? named : throw DocumentAccess.NotFound()
            : await documents.LatestByKeyAsync(sender, document.DocumentKey, sql, cancellationToken);
        if (earlier is not null)
        {
            if (earlier.PatientKey != row.PatientKey || earlier.Kind != row.Kind)
            {
                throw FhirException.Conflict($"Document {earlier.Id} is another patient's or another kind of document; a correction keeps both.");
            }

            row = row with { Replaces = earlier.Id };
            if (!await DocumentStore.SupersedeAsync(sql, earlier.Id, row.Id, now.AddDays(Settings.RetentionDaysAfterRetrieval), cancellationToken))
            {
                throw FhirException.Conflict($"Document {earlier.Id} was already corrected; correct the latest version.");
            }
        }

        await DocumentStore.InsertAsync(sql, row, cancellationToken);
        if (document.Kind == DocumentKinds.CheckupReport)
        {
            await checkups.RegisterAsync(sql, row.PatientKey, sender, bundle, json, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    public async Task<IReadOnlyList<SharedDocument>> InboxAsync(AccessContext caller, string? status, CancellationToken cancellationToken)
    {
        var institution = DocumentAccess.RequireRecipientStaff(caller);
        if (status is not null && !DocumentStatus.IsKnown(status))
        {
            throw FhirException.BadRequest("status is new, retrieved or acknowledged.", "status");
        }

        return await documents.InboxAsync(institution, status, cancellationToken);
    }

    public async Task<IReadOnlyList<SharedDocument>> SentAsync(AccessContext caller, CancellationToken cancellationToken)
    {
        var institution = caller.OrganizationCode ?? throw DocumentAccess.Forbidden("Documents are sent by institutions and insurers.");
        return await documents.SentAsync(institution, cancellationToken);
    }

    /// <summary>The recipient takes the document, with the patient's <c>documents</c> consent for its institution.</summary>
    public async Task<SharedDocument> RetrieveAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var row = await documents.FindAsync(id, null, cancellationToken);
        if (row is null || !DocumentAccess.IsRecipient(caller, row))
        {
            throw DocumentAccess.NotFound();
        }

        var now = time.GetUtcNow();
        if (!await consents.IsInForceAsync(row.PatientKey, row.RecipientCode!, ConsentCategories.Documents, now, cancellationToken))
        {
            throw DocumentAccess.Forbidden(
                $"The patient has not given the consent '{ConsentCategories.Documents}' to institution {row.RecipientCode}: ask for it at reception (マイナ保険証の同意), then retrieve.");
        }

        await using var transaction = await resources.BeginTransactionAsync(cancellationToken);
        await DocumentStore.RetrieveAsync(transaction.Sql(), id, now, now.AddDays(Settings.RetentionDaysAfterRetrieval), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await documents.FindAsync(id, null, cancellationToken) ?? throw DocumentAccess.NotFound();
    }

    public async Task<SharedDocument> AcknowledgeAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var row = await documents.FindAsync(id, null, cancellationToken);
        if (row is null || !DocumentAccess.IsRecipient(caller, row))
        {
            throw DocumentAccess.NotFound();
        }

        if (row.Status == DocumentStatus.New)
        {
            throw FhirException.Conflict("Retrieve the document before acknowledging it.");
        }

        await using var transaction = await resources.BeginTransactionAsync(cancellationToken);
        await DocumentStore.AcknowledgeAsync(transaction.Sql(), id, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await documents.FindAsync(id, null, cancellationToken) ?? throw DocumentAccess.NotFound();
    }

    /// <summary>
    /// One version by its id: the sender; the recipient once it retrieved the document (the latest
    /// version must be retrieved again); for a checkup report also whoever may see the patient's
    /// checkup reports (<see cref="MaySeeCheckupReportsAsync"/>). Everyone else: 404. Referrals and
    /// discharge summaries are never an insurer's to read.
    /// </summary>
    public async Task<SharedDocument> ReadAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var row = await documents.FindAsync(id, null, cancellationToken) ?? throw DocumentAccess.NotFound();
        if (DocumentAccess.IsSender(caller, row))
        {
            return row;
        }

        if (DocumentAccess.IsRecipient(caller, row))
        {
            return row.RetrievedAt is not null
                ? row
                : throw DocumentAccess.Forbidden("Retrieve the document first (POST /sharing/documents/{id}/retrieve), with the patient's consent.");
        }

        if (row.Kind == DocumentKinds.CheckupReport && await MaySeeCheckupReportsAsync(caller, row.PatientKey, cancellationToken))
        {
            return row;
        }

        throw DocumentAccess.NotFound();
    }

    /// <summary>
    /// The checkup reports of a patient (latest versions, newest first), for the patient, the
    /// patient's current insurer and institutions holding the patient's <c>checkup</c> consent;
    /// 403 for anyone else, whether or not the patient exists or has any report.
    /// </summary>
    public async Task<IReadOnlyList<SharedDocument>> CheckupReportsAsync(AccessContext caller, string? patientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(patientId))
        {
            throw FhirException.BadRequest("Name the patient: ?patient={id}.", "patient");
        }

        var patientKey = "Patient/" + patientId;
        if (!await MaySeeCheckupReportsAsync(caller, patientKey, cancellationToken))
        {
            throw DocumentAccess.Forbidden(
                $"The checkup reports of {patientKey} are read by the patient, by the patient's current insurer, and by medical institutions and pharmacies " +
                $"holding the patient's consent '{ConsentCategories.Checkup}' (given at reception).");
        }

        return await documents.ByPatientAsync(patientKey, DocumentKinds.CheckupReport, cancellationToken);
    }

    /// <summary>
    /// Who sees every checkup report of a patient (健康診断結果報告書: the patient, institutions, the
    /// insurer): the patient themselves; the staff of the insurer that insures the patient today (a
    /// live Coverage under its number, as the eligibility service answers); an institution or
    /// pharmacy holding the patient's <c>checkup</c> consent, in force now.
    /// </summary>
    private async Task<bool> MaySeeCheckupReportsAsync(AccessContext caller, string patientKey, CancellationToken cancellationToken)
    {
        if (caller.Role == KnownRoles.Patient)
        {
            return caller.PatientId is { } own && patientKey == "Patient/" + own;
        }

        if (caller.OrganizationCode is not { } code || caller.OrganizationKind is not { } kind)
        {
            return false;
        }

        if (kind == KnownOrganizationKinds.Insurer)
        {
            return caller.Role == KnownRoles.InsurerStaff
                && await qualifications.IsInsuredByAsync(patientKey["Patient/".Length..], code, time.GetUtcNow(), cancellationToken);
        }

        return KnownOrganizationKinds.UsesInstitutionCode(kind)
            && await consents.IsInForceAsync(patientKey, code, ConsentCategories.Checkup, time.GetUtcNow(), cancellationToken);
    }

    private Bundle Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            throw FhirException.BadRequest("Send the document as a FHIR Bundle (JSON).");
        }

        return serializer.ParseJson(body) as Bundle ?? throw FhirException.BadRequest("The body is not a Bundle.");
    }

    private void Validate(Bundle bundle, string kind)
    {
        var outcome = validator.Validate(bundle, DocumentKinds.Profile(kind));
        if (!ProfileValidator.HasErrors(outcome))
        {
            return;
        }

        var errors = new OperationOutcome();
        errors.Issue.AddRange(outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal));
        throw new FhirException(HttpStatusCode.UnprocessableEntity, errors);
    }

    /// <summary>The document's patient must be the platform's: a different birth date or sex means another person.</summary>
    private static void RequireSamePerson(DocumentReader document, Patient registered, string patientId)
    {
        if (document.Patient is not { } written)
        {
            throw FhirException.Unprocessable("The document names no Patient.", "Bundle.entry.resource.ofType(Patient)");
        }

        var path = $"Bundle.entry[{document.PatientIndex}].resource";
        if (written.BirthDate is { } born && registered.BirthDate is { } known && born != known)
        {
            throw FhirException.Unprocessable($"The document's patient was born on {born}; Patient/{patientId} on {known}. Is this the right person?", path + ".birthDate");
        }

        if (written.Gender is { } sex && registered.Gender is { } knownSex && sex != knownSex)
        {
            throw FhirException.Unprocessable($"The document's patient is {sex}; Patient/{patientId} is {knownSex}. Is this the right person?", path + ".gender");
        }
    }
}
