using System.Collections.Concurrent;
using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Every Coverage write — single, in a Bundle, or from a bulk upload — passes here: a
/// qualification is checked (<see cref="CoverageReader"/>), its insurer must be known to the
/// platform and, for insurer staff, be their own insurer, and the eligibility index is updated
/// in the same transaction (409 for a second active Coverage with the same insured number).
/// A My Number is refused on Patient and Coverage alike.
/// </summary>
public sealed class CoverageRegistrationInterceptor : IResourceWriteInterceptor
{
    // Insurer numbers seen to be known. Only positive answers are kept: an insurer registered a
    // moment ago is found by the next write, and insurers are not unregistered while in use.
    private readonly ConcurrentDictionary<string, bool> knownInsurers = new(StringComparer.Ordinal);

    // After enrichment and authorship, before profile validation sees the filled-in Coverage.
    public WriteStage Stage => WriteStage.Check;

    public async ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is Patient patient)
        {
            RefuseMyNumbers(patient);
            return;
        }

        if (resource is not Coverage coverage)
        {
            return;
        }

        var registration = CoverageReader.Read(coverage);
        var tx = transaction.Sql();
        await QualificationIndex.RemoveAsync(tx, coverage.Id!, cancellationToken);
        if (registration is null)
        {
            return;
        }

        if (registration.Insurance is { } qualification)
        {
            await CheckInsurerAsync(tx, context.Caller, qualification, registration.PayorOrganizationId, cancellationToken);
            if (registration.IsActive)
            {
                await QualificationIndex.AddAsync(tx, qualification, cancellationToken);
            }
        }
        else if (registration.PublicExpense is { } expense && registration.IsActive)
        {
            await QualificationIndex.AddAsync(tx, expense, cancellationToken);
        }
    }

    private async System.Threading.Tasks.Task CheckInsurerAsync(ISqlTransaction tx, AccessContext? writer, Qualification qualification, string? payorOrganizationId, CancellationToken cancellationToken)
    {
        var insurer = InsuranceNumbers.CanonicalInsurer(qualification.Number.Insurer);
        if (writer is { Role: KnownRoles.InsurerStaff } caller && InsuranceNumbers.CanonicalInsurer(caller.OrganizationCode ?? "") != insurer)
        {
            throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                $"An insurer registers the qualifications of its own insured persons: insurer number {qualification.Number.Insurer} is not the caller's organization.");
        }

        if (!knownInsurers.ContainsKey(insurer))
        {
            if (!await QualificationIndex.IsKnownInsurerAsync(tx.Connection, tx.Transaction, insurer, cancellationToken))
            {
                throw FhirException.Unprocessable(
                    $"Unknown insurer: no insurer with the number {qualification.Number.Insurer} is registered on the platform " +
                    $"(an Organization with identifier {KnownEligibilitySystems.InsurerNumber}|{qualification.Number.Insurer}, or an organization of the security store).",
                    "Coverage.identifier");
            }

            knownInsurers[insurer] = true;
        }

        if (payorOrganizationId is not null)
        {
            var numbers = await QualificationIndex.OrganizationInsurerNumbersAsync(tx, payorOrganizationId, cancellationToken);
            if (numbers is null)
            {
                throw FhirException.Unprocessable($"The payor Organization/{payorOrganizationId} does not exist.", "Coverage.payor");
            }

            if (numbers.Count > 0 && !numbers.Any(n => InsuranceNumbers.CanonicalInsurer(n) == insurer))
            {
                throw FhirException.Unprocessable(
                    $"The payor Organization/{payorOrganizationId} is insurer {string.Join(", ", numbers)}, not {qualification.Number.Insurer} of the insured number.", "Coverage.payor");
            }
        }
    }

    private static void RefuseMyNumbers(Patient patient)
    {
        for (var i = 0; i < patient.Identifier.Count; i++)
        {
            if (CoverageReader.IsMyNumber(patient.Identifier[i]))
            {
                throw FhirException.Unprocessable("This identifier " + InsuranceNumbers.MyNumberRefusal, $"Patient.identifier[{i}]");
            }
        }
    }
}
