using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.History;

/// <summary>
/// <c>POST Patient/[id]/$submit-checkup</c>: an insurer registers a specific health checkup
/// result (the eCheckupReport document Bundle as the body) for an insured person; at type level,
/// <c>POST Patient/$submit-checkup</c>, the person is the holder of the insured number the
/// document names (how insurers send results: they know the number, not the platform's id). The document
/// is checked as a whole (<see cref="CheckupDocument"/>, item codes against the guide's code
/// system, the birth date against the patient's) and stored in one transaction, or refused with
/// 422 naming every problem and nothing stored. Sending a document with the same identifier again
/// replaces the report (a correction).
/// </summary>
public sealed class SubmitCheckupOperation(IResourceStore store, FhirSerializer serializer, TerminologyService terminology, IQualificationRegistry qualifications, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "submit-checkup";

    public string Name => OperationName;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-submit-checkup";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient";

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Http.Caller;
        if (caller is not null && caller.Role != KnownRoles.System && caller.OrganizationKind != KnownOrganizationKinds.Insurer)
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                "Specific health checkup results are registered by insurers (保険者), who receive them from the checkup institutions.");
        }

        if (request.Parameters.Parameter.FirstOrDefault(p => p.Name == "resource")?.Resource is not Bundle bundle)
        {
            throw FhirException.BadRequest("Send the checkup report — an eCheckupReport document Bundle — as the body.");
        }

        var (document, structural) = CheckupDocument.Read(bundle);
        var id = request.Id ?? await HolderOfInsuredNumberAsync(document, structural, caller, cancellationToken);
        var stored = request.Transaction is null ? await store.ReadAsync("Patient", id, cancellationToken) : await request.Transaction.ReadAsync("Patient", id, cancellationToken);
        if (stored is null || stored.IsDeleted)
        {
            throw FhirException.NotFound($"Patient/{id} is not known.");
        }

        var issues = structural.ToList();
        if (document is not null)
        {
            issues.AddRange(await UnknownItemsAsync(document, cancellationToken));
            var patient = (Patient)serializer.ParseJson(stored.Json);
            if (document.Patient?.BirthDate is { } born && patient.BirthDate is { } registered && born != registered)
            {
                issues.Add(new($"The document's patient was born on {born}; Patient/{id} on {registered}. Is this the right person?", $"Bundle.entry[{document.PatientIndex}].resource.birthDate"));
            }

            issues.AddRange(await OtherInsuredAsync(document, id, cancellationToken));
        }

        if (issues.Count > 0)
        {
            throw Refusal(issues);
        }

        RequireOwnInsurer(document!, caller);

        var row = new CheckupReportRow(
            Guid.NewGuid().ToString("N"), "Patient/" + id, caller?.OrganizationCode ?? "server", document!.IdentifierSystem, document.IdentifierValue, document.Date,
            time.GetUtcNow(), System.Text.Encoding.UTF8.GetString(serializer.SerializeToBytes(bundle, FhirFormat.Json)));
        (string Id, bool Created) saved;
        if (request.Transaction is { } outer)
        {
            saved = await CheckupStore.SaveAsync(outer.Sql(), row, cancellationToken);
        }
        else
        {
            await using var transaction = await store.BeginTransactionAsync(cancellationToken);
            saved = await CheckupStore.SaveAsync(transaction.Sql(), row, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var result = new Parameters();
        result.Add("report", new FhirString(saved.Id));
        result.Add("patient", new ResourceReference("Patient/" + id));
        result.Add("checkupDate", new Date(JapanDates.Text(document.Date)));
        result.Add("observations", new Integer(document.Observations.Count));
        result.Add("replaced", new FhirBoolean(!saved.Created));
        return new FhirResponse { Status = saved.Created ? HttpStatusCode.Created : HttpStatusCode.OK, Resource = result };
    }

    /// <summary>
    /// Without an id in the path: the patient holding the qualification of the insured number the
    /// document names. An insurer asks only about its own numbers (403 first, so the answer is no
    /// oracle of other insurers' numbers); a number nobody holds is a 422 naming the element.
    /// </summary>
    private async Task<string> HolderOfInsuredNumberAsync(CheckupDocument? document, IReadOnlyList<FeedIssue> structural, AccessContext? caller, CancellationToken cancellationToken)
    {
        if (document is null)
        {
            throw structural.Count > 0 ? Refusal(structural) : FhirException.Unprocessable("The body is not a checkup document.");
        }

        if (document.InsuredPerson is not { } person || document.InsurerNumber is not { } insurer)
        {
            throw FhirException.Unprocessable(
                "Without Patient/[id] in the path, the document must name the insured person: a Coverage with its insurer number (payor) and the 記号・番号・枝番 extensions.", "Bundle.entry.resource.ofType(Coverage)");
        }

        RequireOwnInsurer(document, caller);
        var number = InsuredNumber.From(insurer, person.Symbol, person.Number, person.Branch, document.InsuredPersonPath);
        var holders = await qualifications.HoldersAsync(number, cancellationToken);
        return holders.Count switch
        {
            1 => holders[0],
            0 => throw FhirException.Unprocessable($"No qualification is registered for the insured number {number}: register it first, or name the patient in the path.", document.InsuredPersonPath),
            _ => throw FhirException.Unprocessable($"The insured number {number} without its branch (枝番) fits {holders.Count} persons: send the branch.", document.InsuredPersonPath),
        };
    }

    private static void RequireOwnInsurer(CheckupDocument document, AccessContext? caller)
    {
        if (caller?.OrganizationKind == KnownOrganizationKinds.Insurer && document.InsurerNumber is { } named && named != caller.OrganizationCode)
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                $"The document names insurer {named}; an insurer registers the reports of its own insured ({caller.OrganizationCode}).", "Coverage.payor");
        }
    }

    private static FhirException Refusal(IReadOnlyList<FeedIssue> issues)
    {
        var error = new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, issues[0].Message, issues[0].Expression);
        foreach (var issue in issues.Skip(1))
        {
            error.AddIssue(OperationOutcome.IssueType.Invalid, issue.Message, issue.Expression);
        }

        return error;
    }

    /// <summary>
    /// When the document names the insured person (insurer number, 記号, 番号, 枝番) and the platform
    /// holds that qualification, it must be this patient's: a document about someone else is refused.
    /// </summary>
    private async Task<List<FeedIssue>> OtherInsuredAsync(CheckupDocument document, string patientId, CancellationToken cancellationToken)
    {
        if (document.InsuredPerson is not { } person || document.InsurerNumber is not { } insurer)
        {
            return [];
        }

        InsuredNumber number;
        try
        {
            number = InsuredNumber.From(insurer, person.Symbol, person.Number, person.Branch, document.InsuredPersonPath);
        }
        catch (FhirException e)
        {
            return [new(e.Message, document.InsuredPersonPath)];
        }

        var holders = await qualifications.HoldersAsync(number, cancellationToken);
        return holders.Count > 0 && !holders.Contains(patientId)
            ? [new($"The document's insured number {number} is registered for another patient, not Patient/{patientId}.", document.InsuredPersonPath)]
            : [];
    }

    /// <summary>Result codes must be 特定健診項目コード of the guide's code system (when the package is loaded).</summary>
    private async Task<List<FeedIssue>> UnknownItemsAsync(CheckupDocument document, CancellationToken cancellationToken)
    {
        var issues = new List<FeedIssue>();
        try
        {
            foreach (var (index, _, observation) in document.Observations)
            {
                var codings = observation.Code.Coding;
                for (var j = 0; j < codings.Count; j++)
                {
                    if (codings[j] is { System: KnownHistorySystems.CheckupItem, Code: { } code }
                        && (await terminology.LookupAsync(KnownHistorySystems.CheckupItem, code, cancellationToken)).Concept is null)
                    {
                        issues.Add(new($"'{codings[j].Code}' is not a 特定健診項目コード.", $"Bundle.entry[{index}].resource.code.coding[{j}].code"));
                    }
                }
            }
        }
        catch (TerminologyException)
        {
            // The guide's code system is not loaded: the structure alone is checked.
        }

        return issues;
    }
}
