using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Audit;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Applies an uploaded file **row by row**: every row is checked by the same rules as a single
/// FHIR write, valid rows are registered, refused rows are reported with their line and reason
/// and change nothing. For speed, a batch of rows is written in one transaction (with the job's
/// progress); if one of them fails at write time the batch is rolled back and written again a
/// row at a time, so a bad row never takes its neighbours with it. A row is applied as a whole
/// (a CSV row's Patient, Coverage and public expense together) or not at all.
/// </summary>
public sealed class UploadProcessor(
    ResourceService resources, IResourceStore store, FhirSerializer serializer, EligibilityLookup lookup, EligibilityJobs jobs, IOptions<EligibilityOptions> options)
{
    private sealed record Write(string Type, string Id, Resource Resource);

    private sealed record PreparedRow(int Row, int Line, List<Write> Writes);

    public async System.Threading.Tasks.Task RunAsync(EligibilityJob job, byte[] input, AccessContext caller, CancellationToken cancellationToken)
    {
        var outer = AuditScope.Current;
        AuditScope.Current = EligibilityAudit.Scope(caller, job.Id, "Coverage", "eligibility-upload");
        try
        {
            // Insured numbers seen in this job: later rows for the same person update what earlier rows wrote.
            var planned = new Dictionary<string, (string CoverageId, string PatientId)>(StringComparer.Ordinal);
            var batchSize = options.Value.UploadBatchSize;
            var batch = new List<UploadRow>(batchSize);
            foreach (var row in UploadRows.Read(job.Format, UploadRows.Text(input)).Skip(job.Processed))
            {
                batch.Add(row);
                if (batch.Count == batchSize)
                {
                    await ApplyAsync(job, batch, caller, planned, cancellationToken);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await ApplyAsync(job, batch, caller, planned, cancellationToken);
            }
        }
        finally
        {
            AuditScope.Current = outer;
        }
    }

    private async System.Threading.Tasks.Task ApplyAsync(EligibilityJob job, List<UploadRow> batch, AccessContext caller, Dictionary<string, (string, string)> planned, CancellationToken cancellationToken)
    {
        var errors = new List<EligibilityJobRow>();
        var prepared = new List<PreparedRow>();
        foreach (var row in batch)
        {
            try
            {
                prepared.Add(row.Error is { } error ? throw error : await PrepareAsync(row, caller, planned, cancellationToken));
            }
            catch (FhirException e)
            {
                errors.Add(Error(row.Row, row.Line, e));
            }
        }

        try
        {
            await using var tx = await store.BeginTransactionAsync(cancellationToken);
            foreach (var row in prepared)
            {
                await WriteAsync(row, caller, tx, cancellationToken);
            }

            await jobs.ProgressAsync(tx.Sql(), job.Id, batch.Count, prepared.Count, errors.Count, errors, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return;
        }
        catch (FhirException)
        {
            // A row passed the checks but failed at write (a race, a payor that vanished): isolate it.
        }

        var succeeded = 0;
        foreach (var row in prepared)
        {
            try
            {
                await using var tx = await store.BeginTransactionAsync(cancellationToken);
                await WriteAsync(row, caller, tx, cancellationToken);
                await tx.CommitAsync(cancellationToken);
                succeeded++;
            }
            catch (FhirException e)
            {
                errors.Add(Error(row.Row, row.Line, e));
            }
        }

        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        await using var progress = await store.BeginTransactionAsync(cancellationToken);
        await jobs.ProgressAsync(progress.Sql(), job.Id, batch.Count, succeeded, errors.Count, errors, cancellationToken);
        await progress.CommitAsync(cancellationToken);
    }

    private async System.Threading.Tasks.Task WriteAsync(PreparedRow row, AccessContext caller, IResourceTransaction tx, CancellationToken cancellationToken)
    {
        foreach (var write in row.Writes)
        {
            await resources.UpdateAsync(write.Type, write.Id, write.Resource, null, new Writer(caller, null), tx, cancellationToken);
        }
    }

    private async Task<PreparedRow> PrepareAsync(UploadRow row, AccessContext caller, Dictionary<string, (string CoverageId, string PatientId)> planned, CancellationToken cancellationToken)
    {
        if (row.Json is { } json)
        {
            return await PrepareResourceAsync(row, json, caller, planned, cancellationToken);
        }

        var v = row.Values!;
        var number = InsuredNumber.From(v["insurer_number"], v["symbol"], v["number"], v["branch"], "insurer_number…branch");
        CheckOwnInsurer(caller, number);
        var (coverageId, patientId) = await ExistingAsync(number, planned, cancellationToken);
        var existingPatient = patientId is null ? null : await ReadAsync<Patient>("Patient", patientId, cancellationToken);
        var existingCoverage = coverageId is null ? null : await ReadAsync<Coverage>("Coverage", coverageId, cancellationToken);
        patientId ??= ResourceService.NewId();
        coverageId ??= ResourceService.NewId();
        var patient = QualificationCsv.Patient(v, existingPatient, number.ToString());
        patient.Id = patientId;
        var coverage = QualificationCsv.Coverage(v, number, patientId, existingCoverage);
        coverage.Id = coverageId;
        CoverageReader.Read(coverage);
        var writes = new List<Write> { new("Patient", patientId, patient), new("Coverage", coverageId, coverage) };
        if (QualificationCsv.PublicExpense(v, patientId) is { } expense)
        {
            var payer = expense.Payor[0].Identifier!.Value!;
            expense.Id = await lookup.PublicExpenseIdAsync(patientId, payer, cancellationToken) ?? ResourceService.NewId();
            CoverageReader.Read(expense);
            writes.Add(new("Coverage", expense.Id, expense));
        }

        planned[number.Key] = (coverageId, patientId);
        return new PreparedRow(row.Row, row.Line, writes);
    }

    private async Task<PreparedRow> PrepareResourceAsync(UploadRow row, string json, AccessContext caller, Dictionary<string, (string CoverageId, string PatientId)> planned, CancellationToken cancellationToken)
    {
        var resource = serializer.ParseJson(System.Text.Encoding.UTF8.GetBytes(json));
        switch (resource)
        {
            case Patient patient:
                if (string.IsNullOrEmpty(patient.Id) || !ResourceIds.IsValid(patient.Id))
                {
                    throw FhirException.Unprocessable("A Patient line needs its id, so that Coverage lines can reference it (Patient/{id}).", "Patient.id");
                }

                return new PreparedRow(row.Row, row.Line, [new("Patient", patient.Id, patient)]);
            case Coverage coverage:
                var registration = CoverageReader.Read(coverage);
                if (registration?.Insurance is { } qualification)
                {
                    CheckOwnInsurer(caller, qualification.Number);
                    if (string.IsNullOrEmpty(coverage.Id))
                    {
                        // Without an id a line updates the qualification of the same insured number, if there is one.
                        coverage.Id = (await ExistingAsync(qualification.Number, planned, cancellationToken)).CoverageId ?? ResourceService.NewId();
                    }

                    planned[qualification.Number.Key] = (coverage.Id, qualification.PatientId);
                }

                if (string.IsNullOrEmpty(coverage.Id))
                {
                    coverage.Id = ResourceService.NewId();
                }
                else if (!ResourceIds.IsValid(coverage.Id))
                {
                    throw FhirException.Unprocessable($"'{coverage.Id}' is not a valid id.", "Coverage.id");
                }

                return new PreparedRow(row.Row, row.Line, [new("Coverage", coverage.Id, coverage)]);
            default:
                throw FhirException.Unprocessable($"A line is a Patient or a Coverage, not a {resource.TypeName}.", "resourceType");
        }
    }

    private async Task<(string? CoverageId, string? PatientId)> ExistingAsync(InsuredNumber number, Dictionary<string, (string CoverageId, string PatientId)> planned, CancellationToken cancellationToken)
    {
        if (planned.TryGetValue(number.Key, out var seen))
        {
            return seen;
        }

        var found = await lookup.ByInsuredNumberAsync(number, cancellationToken);
        return found.Count == 1 ? (found[0].Qualification.CoverageId, found[0].Qualification.PatientId) : (null, null);
    }

    private async Task<T?> ReadAsync<T>(string type, string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var stored = await store.ReadAsync(type, id, cancellationToken);
        return stored is null || stored.IsDeleted ? null : (T)serializer.ParseJson(stored.Json);
    }

    private static void CheckOwnInsurer(AccessContext caller, InsuredNumber number)
    {
        if (caller.Role == KnownRoles.InsurerStaff && InsuranceNumbers.CanonicalInsurer(caller.OrganizationCode ?? "") != InsuranceNumbers.CanonicalInsurer(number.Insurer))
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                $"An insurer registers the qualifications of its own insured persons: insurer number {number.Insurer} is not the uploader's organization.");
        }
    }

    private static EligibilityJobRow Error(int row, int line, FhirException e)
    {
        var errors = e.Outcome.Issue.Select(i => new UploadError(i.Diagnostics ?? e.Message, i.Expression.FirstOrDefault())).ToList();
        return new EligibilityJobRow(row, "error", JsonSerializer.Serialize(new RowError(line, (int)e.Status, errors), EligibilityJson.Relaxed.RowError));
    }
}
