using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Answers one eligibility check: finds the qualifications of the card or insurance-card data,
/// checks the birth date, decides the status as of the visit date, shows the limit category only
/// under the patient's consent, and records the consent given at the reader. Shared by the
/// compact JSON endpoint, the FHIR operation and the bulk pre-check.
/// </summary>
public sealed class EligibilityChecker(EligibilityLookup lookup, ConsentRecorder consents, TimeProvider time)
{
    /// <summary>Visit dates and consent times are in JST (<see cref="JapanTime"/>).</summary>
    public static readonly TimeSpan Japan = JapanTime.Offset;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(Japan).DateTime);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Checks one patient; <c>locations</c> say where the request carried the insurer number and birth date (for error messages).</summary>
    public async Task<EligibilityResult> CheckAsync(EligibilityQuery query, AccessContext caller, (string Insurer, string BirthDate) locations, CancellationToken cancellationToken, Kakehashi.Fhir.Storage.IResourceTransaction? transaction = null)
    {
        var checkedAt = Now;
        List<EligibilityCandidate> candidates;
        if (query.CardKey is { } cardKey)
        {
            candidates = await lookup.ByCardAsync(cardKey, cancellationToken);
        }
        else
        {
            var number = query.Number ?? throw new InvalidOperationException("A check needs a card or insurance-card data.");
            candidates = await lookup.ByInsuredNumberAsync(number, cancellationToken);
            if (candidates.Count == 0 && !await lookup.IsKnownInsurerAsync(InsuranceNumbers.CanonicalInsurer(number.Insurer), cancellationToken))
            {
                throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.NotFound,
                    $"Unknown insurer: no insurer with the number {number.Insurer} is registered on the platform. Check the 保険者番号 on the card.", locations.Insurer);
            }

            if (candidates.Count > 0)
            {
                var born = query.BirthDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var matching = candidates.Where(c => c.Patient?.BirthDate is { } b && b.StartsWith(born, StringComparison.Ordinal)).ToList();
                if (matching.Count == 0)
                {
                    throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.BusinessRule,
                        "The birth date does not match the insured person registered under this insurance card. Check the birth date and the card's numbers (生年月日不一致).",
                        locations.BirthDate);
                }

                candidates = matching;
            }
        }

        if (candidates.Count == 0)
        {
            return new EligibilityResult { Status = EligibilityStatus.NotFound, VisitDate = query.VisitDate, CheckedAt = checkedAt };
        }

        var valid = candidates.Where(c => StatusOn(c.Qualification, query.VisitDate) == EligibilityStatus.Valid).ToList();
        if (valid.Count > 1)
        {
            return new EligibilityResult { Status = EligibilityStatus.Ambiguous, VisitDate = query.VisitDate, CheckedAt = checkedAt, Candidates = valid.Count };
        }

        // One valid qualification; else the one nearest the visit date tells why none is valid.
        var match = valid.Count == 1 ? valid[0] : candidates.OrderBy(c => Distance(c.Qualification, query.VisitDate)).First();
        var status = StatusOn(match.Qualification, query.VisitDate);

        RecordedConsent? recorded = null;
        if (query.Consent is { Categories.Count: > 0 } consent)
        {
            var until = consent.ValidUntil ?? checkedAt.AddHours(DefaultConsentHours);
            recorded = await consents.RecordAsync(caller, match.Qualification.PatientId, consent.Categories, checkedAt, until, transaction, cancellationToken);
        }

        var limitShown = match.Qualification.LimitCategory is not null &&
                         (recorded?.Categories.Contains(ConsentRecorder.LimitCertificate) == true ||
                          (caller.OrganizationCode is { } organization &&
                           await lookup.HasConsentAsync(match.Qualification.PatientId, organization, ConsentRecorder.LimitCertificate, checkedAt, cancellationToken)));
        return new EligibilityResult
        {
            Status = status,
            VisitDate = query.VisitDate,
            CheckedAt = checkedAt,
            Match = match,
            LimitCategoryShown = limitShown,
            PublicExpenses = [.. match.PublicExpenses.Where(p => p.ValidFrom <= query.VisitDate && (p.ValidUntil is null || p.ValidUntil >= query.VisitDate))],
            Candidates = 1,
            Consent = recorded,
        };
    }

    /// <summary>Set from <see cref="EligibilityOptions.ConsentHours"/>.</summary>
    public int DefaultConsentHours { get; init; } = 24;

    public static string StatusOn(Qualification q, DateOnly date) =>
        date < q.ValidFrom ? EligibilityStatus.NotYetValid
        : q.ValidUntil is { } until && date > until ? EligibilityStatus.Expired
        : EligibilityStatus.Valid;

    private static int Distance(Qualification q, DateOnly date) =>
        date < q.ValidFrom ? q.ValidFrom.DayNumber - date.DayNumber
        : q.ValidUntil is { } until && date > until ? date.DayNumber - until.DayNumber
        : 0;
}
