using System.Text.Json;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Runs a bulk pre-check (一括照会) of booked patients: each item is checked as a single check by
/// insurance-card data would be (no card reader, so no consent), its answer or its error kept
/// as the row's result under the reception number. Checks are audited per batch.
/// </summary>
public sealed class PrecheckProcessor(EligibilityRequests requests, EligibilityChecker checker, EligibilityJobs jobs, EligibilityAudit audit, IResourceStore store)
{
    private const int BatchSize = 100;

    public async Task RunAsync(EligibilityJob job, byte[] input, AccessContext caller, CancellationToken cancellationToken)
    {
        var items = JsonSerializer.Deserialize(input, EligibilityJson.Relaxed.PrecheckRequest)?.Items ?? [];
        for (var start = job.Processed; start < items.Count; start += BatchSize)
        {
            var rows = new List<EligibilityJobRow>();
            var patients = new List<string?>();
            var failed = 0;
            for (var i = start; i < Math.Min(items.Count, start + BatchSize); i++)
            {
                var item = items[i];
                var prefix = $"items[{i}].";
                try
                {
                    if (item.Card is not null)
                    {
                        throw FhirException.BadRequest("A pre-check uses the insurance-card data of the booking: the card is read at the visit.", prefix + "card");
                    }

                    var query = requests.FromJson(item, caller, prefix);
                    var result = await checker.CheckAsync(query, caller, (prefix + "insuranceCard.insurerNumber", prefix + "insuranceCard.birthDate"), cancellationToken);
                    patients.Add(result.Match is { } match ? "Patient/" + match.Qualification.PatientId : null);
                    rows.Add(new EligibilityJobRow(i + 1, result.Status, JsonSerializer.Serialize(EligibilityAnswers.ToJson(result, item.Reference), EligibilityJson.Relaxed.CheckResponse)));
                }
                catch (FhirException e)
                {
                    failed++;
                    var errors = e.Outcome.Issue.Select(issue => new UploadError(issue.Diagnostics ?? e.Message, issue.Expression.FirstOrDefault())).ToList();
                    rows.Add(new EligibilityJobRow(i + 1, "error", JsonSerializer.Serialize(new PrecheckError(item.Reference, (int)e.Status, errors), EligibilityJson.Relaxed.PrecheckError)));
                }
            }

            await audit.RecordAsync(caller, job.Id, "eligibility-precheck", "eligibility/prechecks/" + job.Id, 200, patients, cancellationToken);
            await using var tx = await store.BeginTransactionAsync(cancellationToken);
            await jobs.ProgressAsync(tx.Sql(), job.Id, rows.Count, rows.Count - failed, failed, rows, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
    }
}
