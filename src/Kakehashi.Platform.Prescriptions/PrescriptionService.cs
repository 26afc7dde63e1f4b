using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Prescriptions.DrugMaster;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The lifecycle of a prescription (docs/prescriptions.md): registration by the prescriber
/// (signed, or paper), retrieval by a pharmacy (受付), hand-back, dispensing (one use, or the next
/// use of a refill), cancellation; and the check at each of them. Every change runs in one store
/// transaction with the rows and resources it touches: nothing is half-written.
/// </summary>
public sealed class PrescriptionService(
    IResourceStore store,
    ResourceService resources,
    FhirSerializer serializer,
    PrescriptionStore prescriptions,
    PrescriptionSignatures signatures,
    PrescriptionValidator validator,
    MedicationChecker checker,
    DrugMasterProvider masters,
    IQualificationRegistry qualifications,
    ConsentGrantLookup consents,
    PrescriptionClock clock)
{
    /// <summary>A draft check: nothing stored.</summary>
    public async Task<CheckResult> CheckDraftAsync(AccessContext caller, byte[] body, string? patientId, CancellationToken cancellationToken)
    {
        PrescriptionAccess.RequireChecker(caller);
        var document = PrescriptionDocument.Read(ParseBundle(body), requireInsured: patientId is null);
        if (document.DrugProblems.Count > 0)
        {
            // A draft may lack what registration needs (a signature, a complete Coverage), not readable drugs.
            throw PrescriptionDocument.Invalid(document.DrugProblems);
        }

        var patient = patientId ?? await PatientOfAsync(document.Insured!, cancellationToken);
        return await checker.CheckAsync(caller, patient, document.Drugs, null, cancellationToken);
    }

    public async Task<CheckedPrescription> RegisterAsync(AccessContext caller, byte[] body, bool paper, CancellationToken cancellationToken)
    {
        var institution = PrescriptionAccess.RequirePrescriber(caller);
        var bundle = ParseBundle(body);
        var signer = await SignerAsync(bundle, body, paper, [Signing.HealthcareQualification.Doctor, Signing.HealthcareQualification.Dentist], "prescription", cancellationToken);
        var document = PrescriptionDocument.Read(bundle, requireInsured: true);
        document.ThrowIfInvalid();
        validator.Validate(bundle);
        var patient = await PatientOfAsync(document.Insured!, cancellationToken);
        var master = await masters.CurrentAsync(cancellationToken);
        RequireRefillable(document, master);

        var check = await checker.CheckAsync(caller, patient, document.Drugs, null, cancellationToken);
        var now = clock.Now;
        var today = clock.Today;
        var window = PrescriptionWindows.First(today);
        var row = new PrescriptionRow(Guid.NewGuid().ToString("N"), "Patient/" + patient, institution, caller.Subject, PrescriptionStatus.Registered, "", today, window.Start, window.End,
            document.Uses, 0, null, signer is not null, signer?.Serial, signer?.Subject, signer?.TimeStamp, check.MasterVersion, now, Encoding.UTF8.GetString(body));
        string number;
        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            var sql = transaction.Sql();
            number = await PrescriptionStore.InsertAsync(sql, row, cancellationToken);
            await MedicationCourses.ReplaceAsync(sql, "Prescription/" + row.Id, row.PatientKey, institution, today, document.Drugs, master, row.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new CheckedPrescription(row with { ExchangeNumber = number }, check);
    }

    /// <summary>A pharmacy retrieves an open prescription by its exchange number and the insured person's card data, and holds it (受付済).</summary>
    public async Task<CheckedPrescription> RetrieveByNumberAsync(AccessContext caller, string exchangeNumber, InsuredNumber insured, CancellationToken cancellationToken)
    {
        var pharmacy = PrescriptionAccess.RequirePharmacist(caller);
        var holders = await qualifications.HoldersAsync(insured, cancellationToken);
        var row = await prescriptions.FindOpenAsync(exchangeNumber, null, cancellationToken);
        if (row is null || !holders.Contains(row.PatientKey["Patient/".Length..]))
        {
            throw FhirException.NotFound("No open prescription has this exchange number (引換番号) for this insured person.");
        }

        return await AcceptAsync(caller, pharmacy, row, cancellationToken);
    }

    /// <summary>A pharmacy the patient consented to at its card reader retrieves one of the patient's prescriptions by id.</summary>
    public async Task<CheckedPrescription> RetrieveByConsentAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var pharmacy = PrescriptionAccess.RequirePharmacist(caller);
        var row = await prescriptions.FindAsync(id, null, cancellationToken) ?? throw FhirException.NotFound("No such prescription.");
        if (!await consents.IsInForceAsync(row.PatientKey, pharmacy, MedicationChecker.ViewingCategory, clock.Now, cancellationToken))
        {
            throw FhirException.NotFound("No such prescription among those the patient consented to show you (card consent 'medication').");
        }

        return await AcceptAsync(caller, pharmacy, row, cancellationToken);
    }

    /// <summary>The patient's prescriptions a pharmacy may take now, for a pharmacy with the patient's card consent.</summary>
    public async Task<IReadOnlyList<PrescriptionRow>> OpenForPatientAsync(AccessContext caller, string patientId, CancellationToken cancellationToken)
    {
        var pharmacy = PrescriptionAccess.RequirePharmacist(caller);
        var key = "Patient/" + patientId;
        if (!await consents.IsInForceAsync(key, pharmacy, MedicationChecker.ViewingCategory, clock.Now, cancellationToken))
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                "The patient's prescriptions are shown to a pharmacy with the patient's consent (category 'medication', given at the card reader); there is none in force.");
        }

        var today = clock.Today;
        return [.. (await prescriptions.ForPatientAsync(key, 100, cancellationToken)).Where(r => r.StatusOn(today) == PrescriptionStatus.Registered && r.WindowStart <= today)];
    }

    public async Task<PrescriptionRow> HandBackAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var pharmacy = PrescriptionAccess.RequirePharmacist(caller);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        var sql = transaction.Sql();
        var row = await prescriptions.FindAsync(id, sql, cancellationToken);
        if (row is null || row.PharmacyCode != pharmacy)
        {
            throw FhirException.NotFound("Your pharmacy holds no such prescription.");
        }

        if (!await PrescriptionStore.HandBackAsync(sql, id, pharmacy, clock.Now, cancellationToken))
        {
            throw Conflict(row, "hand back");
        }

        await transaction.CommitAsync(cancellationToken);
        return (await prescriptions.FindAsync(id, null, cancellationToken))!;
    }

    public async Task<PrescriptionRow> CancelAsync(AccessContext caller, string id, CancellationToken cancellationToken)
    {
        var institution = PrescriptionAccess.RequirePrescriber(caller);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        var sql = transaction.Sql();
        var row = await prescriptions.FindAsync(id, sql, cancellationToken);
        if (row is null || row.PrescriberCode != institution)
        {
            throw FhirException.NotFound("Your institution issued no such prescription.");
        }

        if (!await PrescriptionStore.CancelAsync(sql, id, clock.Now, cancellationToken))
        {
            throw Conflict(row, "cancel");
        }

        await MedicationCourses.RemoveAsync(sql, "Prescription/" + id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await prescriptions.FindAsync(id, null, cancellationToken))!;
    }

    /// <summary>
    /// The pharmacy that holds the prescription registers what it dispensed: a Bundle of
    /// MedicationDispenses, signed by a pharmacist when the prescription was electronic. They are
    /// stored as FHIR resources (the medication history shows them at once), the check runs
    /// again on what was dispensed, and the prescription moves on.
    /// </summary>
    public async Task<Dispensing> DispenseAsync(AccessContext caller, string id, byte[] body, CancellationToken cancellationToken)
    {
        var pharmacy = PrescriptionAccess.RequirePharmacist(caller);
        var row = await prescriptions.FindAsync(id, null, cancellationToken);
        if (row is null || row.PharmacyCode != pharmacy || row.StoredStatus != PrescriptionStatus.Accepted)
        {
            throw row is not null && row.PharmacyCode == pharmacy
                ? Conflict(row, "dispense")
                : FhirException.NotFound("Your pharmacy holds no such prescription; retrieve it first (受付).");
        }

        var bundle = ParseBundle(body);
        var signer = await SignerAsync(bundle, body, paper: !row.Electronic, [Signing.HealthcareQualification.Pharmacist], "dispensing result", cancellationToken);
        var dispenses = bundle.Entry.Select(e => e.Resource).OfType<MedicationDispense>().ToList();
        if (dispenses.Count == 0)
        {
            throw PrescriptionDocument.Invalid(["The dispensing result lists no MedicationDispense."]);
        }

        var now = clock.Now;
        var today = clock.Today;
        var drugs = dispenses.Select((d, i) => PrescribedDrug.FromDispense(i + 1, d)).ToList();
        var patientId = row.PatientKey["Patient/".Length..];
        var check = await checker.CheckAsync(caller, patientId, drugs, "Prescription/" + id, cancellationToken);
        var next = row.UsesDone + 1 < row.UsesAllowed ? PrescriptionWindows.Next(today, drugs.Max(d => d.Days ?? 0)) : ((DateOnly, DateOnly)?)null;
        var ids = new List<string>();
        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            var sql = transaction.Sql();
            if (!await PrescriptionStore.DispenseAsync(sql, row, pharmacy, next, now, cancellationToken))
            {
                throw Conflict((await prescriptions.FindAsync(id, sql, cancellationToken))!, "dispense");
            }

            foreach (var dispense in dispenses)
            {
                Prepare(dispense, row, pharmacy, now);
                var response = await resources.CreateAsync("MedicationDispense", dispense, null, new Writer(caller, null), transaction, cancellationToken);
                ids.Add(response.Stored!.Id);
            }

            await MedicationCourses.RemoveAsync(sql, "Prescription/" + id, cancellationToken);
            await PrescriptionStore.InsertDispensingAsync(sql, new DispensingRow(id, row.UsesDone + 1, pharmacy, caller.Subject, today, ids, signer is not null, signer?.Serial, signer?.TimeStamp, now,
                Encoding.UTF8.GetString(body)), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new Dispensing((await prescriptions.FindAsync(id, null, cancellationToken))!, ids, check);
    }

    private async Task<CheckedPrescription> AcceptAsync(AccessContext caller, string pharmacy, PrescriptionRow row, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        if (row.StoredStatus == PrescriptionStatus.Accepted && row.PharmacyCode == pharmacy)
        {
            // Retrieving again what one already holds (a reload of the screen) is not a conflict.
            return new CheckedPrescription(row, await CheckHeldAsync(caller, row, cancellationToken));
        }

        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            var sql = transaction.Sql();
            if (!await PrescriptionStore.AcceptAsync(sql, row.Id, pharmacy, today, clock.Now, cancellationToken))
            {
                throw Conflict((await prescriptions.FindAsync(row.Id, sql, cancellationToken))!, "retrieve");
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var accepted = (await prescriptions.FindAsync(row.Id, null, cancellationToken))!;
        return new CheckedPrescription(accepted, await CheckHeldAsync(caller, accepted, cancellationToken));
    }

    private async Task<CheckResult> CheckHeldAsync(AccessContext caller, PrescriptionRow row, CancellationToken cancellationToken)
    {
        var document = PrescriptionDocument.Read(ParseBundle(Encoding.UTF8.GetBytes(row.Document)), requireInsured: false);
        var patientId = row.PatientKey["Patient/".Length..];
        return await checker.CheckAsync(caller, patientId, document.Drugs, "Prescription/" + row.Id, cancellationToken);
    }

    private FhirException Conflict(PrescriptionRow row, string action)
    {
        var today = clock.Today;
        var status = row.StatusOn(today);
        var detail = status switch
        {
            PrescriptionStatus.Accepted => "another pharmacy has retrieved it (受付済); it can be taken once that pharmacy hands it back",
            PrescriptionStatus.Dispensed => "it has been dispensed (調剤済)",
            PrescriptionStatus.Cancelled => "the prescriber cancelled it (取消)",
            PrescriptionStatus.Expired => $"it expired (期限切れ) at the end of {PrescriptionStore.Day(row.WindowEnd)}",
            PrescriptionStatus.Registered when row.WindowStart > today => $"its next use (リフィル {row.UsesDone + 1}/{row.UsesAllowed}) may be dispensed from {PrescriptionStore.Day(row.WindowStart)}",
            PrescriptionStatus.Registered => "no pharmacy holds it (未受付)",
            _ => "its state is " + status,
        };
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = OperationOutcome.IssueType.Conflict,
            Details = new CodeableConcept("http://kakehashi.jp/fhir/CodeSystem/prescription-status", status, PrescriptionStatus.Japanese(status)),
            Diagnostics = $"The prescription cannot be {Past(action)}: {detail}.",
        });
        return new FhirException(HttpStatusCode.Conflict, outcome);
    }

    private static string Past(string action) => action switch
    {
        "retrieve" => "retrieved",
        "hand back" => "handed back",
        "cancel" => "cancelled",
        _ => "dispensed",
    };

    private Bundle ParseBundle(byte[] body)
    {
        if (body.Length == 0)
        {
            throw FhirException.BadRequest("Send the prescription as a FHIR Bundle (JSON).");
        }

        return serializer.ParseJson(body) as Bundle ?? throw FhirException.BadRequest("The body is not a Bundle.");
    }

    private async Task<SignerInfo?> SignerAsync(Bundle bundle, byte[] body, bool paper, Signing.HealthcareQualification[] allowed, string what, CancellationToken cancellationToken)
    {
        if (bundle.Signature is null)
        {
            return paper
                ? null
                : throw new FhirException(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Required,
                    $"An electronic {what} carries its signature (Bundle.signature, JWS by an HPKI certificate); a paper one is registered with ?paper=true.", "Bundle.signature");
        }

        var signer = await signatures.VerifyAsync(body, cancellationToken);
        if (!allowed.Contains(signer.Qualification))
        {
            throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Security,
                $"A {what} is signed by a {string.Join(" or ", allowed.Select(Signing.HealthcareQualificationExtension.NameOf))}; this certificate's holder is a {Signing.HealthcareQualificationExtension.NameOf(signer.Qualification)}.");
        }

        return signer;
    }

    private async Task<string> PatientOfAsync(InsuredNumber insured, CancellationToken cancellationToken)
    {
        var holders = await qualifications.HoldersAsync(insured, cancellationToken);
        return holders.Count switch
        {
            1 => holders[0],
            0 => throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.NotFound,
                "No insured person with this insurer number, 記号, 番号 and 枝番 is registered on the platform; check the Coverage."),
            _ => throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.MultipleMatches,
                "Several family members share this insured number; give the branch number (枝番) in the Coverage."),
        };
    }

    /// <summary>A refill prescription may not contain narcotics, psychotropics, new drugs in their 14-day period or poultices.</summary>
    private static void RequireRefillable(PrescriptionDocument document, DrugMasterVersion master)
    {
        if (document.Uses == 1)
        {
            return;
        }

        var problems = new List<string>();
        foreach (var drug in document.Drugs)
        {
            if (drug.YjCode is null || master.Find(drug.YjCode) is not { } product)
            {
                continue;
            }

            var reasons = new[] { (product.Narcotic, "a narcotic (麻薬)"), (product.Psychotropic, "a psychotropic (向精神薬)"), (product.NewDrug, "a new drug in its 14-day period (新医薬品)"), (product.Poultice, "a poultice (湿布薬)") }
                .Where(r => r.Item1).Select(r => r.Item2).ToList();
            if (reasons.Count > 0)
            {
                problems.Add($"MedicationRequest {drug.Line} ({drug.Display}) is {string.Join(" and ", reasons)}: it may not be prescribed as a refill (リフィル).");
            }
        }

        if (problems.Count > 0)
        {
            throw PrescriptionDocument.Invalid(problems);
        }
    }

    /// <summary>What the platform knows and the pharmacy's system need not repeat: whose, which prescription, by whom, when.</summary>
    private static void Prepare(MedicationDispense dispense, PrescriptionRow row, string pharmacy, DateTimeOffset now)
    {
        dispense.Id = null;
        dispense.Subject = new ResourceReference(row.PatientKey);
        dispense.Identifier.RemoveAll(i => i.System == KnownPrescriptionSystems.PrescriptionId);
        dispense.Identifier.Add(new Identifier(KnownPrescriptionSystems.PrescriptionId, row.Id));
        dispense.AuthorizingPrescription.Clear();
        dispense.Status ??= MedicationDispense.MedicationDispenseStatusCodes.Completed;
        dispense.WhenHandedOver ??= new FhirDateTime(now.ToOffset(JapanTime.Offset)).Value;
        if (!dispense.Performer.Any(p => p.Actor?.Identifier?.System == KnownJapanSystems.InstitutionCode))
        {
            dispense.Performer.Insert(0, new MedicationDispense.PerformerComponent { Actor = new ResourceReference { Type = "Organization", Identifier = new Identifier(KnownJapanSystems.InstitutionCode, pharmacy) } });
        }
    }
}

/// <summary>A prescription as it stands after a registration or a retrieval, with the check that ran.</summary>
public sealed record CheckedPrescription(PrescriptionRow Prescription, CheckResult Check);

public sealed record Dispensing(PrescriptionRow Prescription, IReadOnlyList<string> DispenseIds, CheckResult Check);
