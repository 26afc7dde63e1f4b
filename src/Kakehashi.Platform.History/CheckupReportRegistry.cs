using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.History;

/// <summary>
/// Registers a checkup report that arrived through EHR information sharing in the checkup history
/// (the same table <see cref="SubmitCheckupOperation"/> writes), inside the sharing service's transaction.
/// </summary>
public sealed class CheckupReportRegistry : ICheckupReportRegistry
{
    public async Task<string> RegisterAsync(ISqlTransaction transaction, string patientKey, string registrant, Bundle document, string documentJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (read, issues) = CheckupDocument.Read(document);
        if (read is null || issues.Count > 0)
        {
            var first = issues.Count > 0 ? issues[0] : new FeedIssue("The checkup history cannot read this report.", "Bundle");
            var error = new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, first.Message, first.Expression);
            foreach (var issue in issues.Skip(1))
            {
                error.AddIssue(OperationOutcome.IssueType.Invalid, issue.Message, issue.Expression);
            }

            throw error;
        }

        var row = new CheckupReportRow(Guid.NewGuid().ToString("N"), patientKey, registrant, read.IdentifierSystem, read.IdentifierValue, read.Date, now, documentJson);
        return (await CheckupStore.SaveAsync(transaction, row, cancellationToken)).Id;
    }
}
