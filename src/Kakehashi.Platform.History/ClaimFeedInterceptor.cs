using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.History;

/// <summary>
/// Refuses a Claim or ExplanationOfBenefit outside the feed's subset before anything is stored
/// (422, every problem named by its element) — including a claim for a patient or an insurer the
/// platform does not know — and an insurer writing claims in another insurer's name (403). Inside a transaction Bundle the refusal rolls back every entry.
/// </summary>
public sealed class ClaimFeedInterceptor(ProcedureMaster master, IQualificationRegistry qualifications) : IResourceWriteInterceptor
{
    // After house-code mapping (100), so that mapped codes count; before profile validation (200).
    public WriteStage Stage => WriteStage.Check;

    public async ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (!ClaimFeed.IsFeedType(resource.TypeName))
        {
            return;
        }

        // Insurers always write through the feed; anyone else's claim joins it by naming an insurer number.
        var byInsurer = context.Caller is { OrganizationKind: KnownOrganizationKinds.Insurer };
        if (!byInsurer && !ClaimFeed.NamesInsurerNumber(resource))
        {
            return;
        }

        var (record, structural) = ClaimFeed.Read(resource);
        var issues = structural.ToList();
        if (record is not null)
        {
            var patient = await transaction.ReadAsync("Patient", record.PatientId, cancellationToken);
            if (patient is null || patient.IsDeleted)
            {
                issues.Add(new($"Patient/{record.PatientId} is not known: register the insured person first.", $"{resource.TypeName}.patient"));
            }

            if (!await qualifications.IsKnownInsurerAsync(transaction.Sql(), record.InsurerNumber, cancellationToken))
            {
                issues.Add(new($"Unknown insurer: no insurer with the number {record.InsurerNumber} is registered on the platform.", $"{resource.TypeName}.insurer.identifier"));
            }

            foreach (var line in record.Lines.Where(l => l.Kind == ClaimLineKind.Procedure))
            {
                issues.AddRange(await UnknownProcedureCodesAsync(resource.TypeName, resource, line, cancellationToken));
            }
        }

        if (issues.Count > 0)
        {
            var error = new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, issues[0].Message, issues[0].Expression);
            foreach (var issue in issues.Skip(1))
            {
                error.AddIssue(OperationOutcome.IssueType.Invalid, issue.Message, issue.Expression);
            }

            throw error;
        }

        if (context.Caller is { OrganizationKind: KnownOrganizationKinds.Insurer } caller && caller.OrganizationCode != record!.InsurerNumber)
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                $"An insurer registers claims under its own insurer number ({caller.OrganizationCode}), not {record.InsurerNumber}.", $"{resource.TypeName}.insurer.identifier");
        }
    }

    private async Task<List<FeedIssue>> UnknownProcedureCodesAsync(string type, Resource resource, ClaimLine line, CancellationToken cancellationToken)
    {
        var issues = new List<FeedIssue>();
        var index = resource is Claim claim
            ? claim.Item.FindIndex(i => i.Sequence == line.Sequence)
            : ((ExplanationOfBenefit)resource).Item.FindIndex(i => i.Sequence == line.Sequence);
        for (var j = 0; j < line.Codings.Count; j++)
        {
            var coding = line.Codings[j];
            if (!ClaimFeed.IsProcedureSystem(coding.System) || coding.Code is not { } code)
            {
                continue;
            }

            try
            {
                if (await master.NameAsync(code, cancellationToken) is null)
                {
                    issues.Add(new($"'{code}' is not in the 医科診療行為マスター.", $"{type}.item[{index}].productOrService.coding[{j}].code"));
                }
            }
            catch (TerminologyException)
            {
                // The master is not loaded (a trimmed package folder): the format check alone applies.
                return issues;
            }
        }

        return issues;
    }
}
