using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Turns what reception sent — the compact JSON or a CoverageEligibilityRequest — into an
/// <see cref="EligibilityQuery"/>, refusing bad input with 400 and an OperationOutcome naming
/// the field before anything is looked up or written.
/// </summary>
public sealed class EligibilityRequests(EligibilityChecker checker, IOptions<EligibilityOptions> options)
{
    /// <summary>From the compact JSON (<paramref name="prefix"/> locates the fields, e.g. <c>items[3].</c>).</summary>
    public EligibilityQuery FromJson(CheckRequest request, AccessContext caller, string prefix = "")
    {
        var visitDate = VisitDate(request.VisitDate, prefix + "visitDate");
        if ((request.Card is null) == (request.InsuranceCard is null))
        {
            throw Bad("Send either 'card' (the certificate read at the card reader) or 'insuranceCard' (insurer number, symbol, number, branch, birth date).", prefix.TrimEnd('.'));
        }

        if (request.Card is { } card)
        {
            return FromCard(card.Certificate, card.Consent?.Categories, card.Consent?.ValidUntil, visitDate, caller, prefix + "card.certificate", prefix + "card.consent");
        }

        var data = request.InsuranceCard!;
        return FromInsuranceCard(data.InsurerNumber, data.Symbol, data.Number, data.Branch, data.BirthDate, visitDate, prefix + "insuranceCard");
    }

    public EligibilityQuery FromCard(string? certificate, IReadOnlyList<string>? categories, string? validUntil, DateOnly visitDate, AccessContext caller, string certificateLocation, string consentLocation)
    {
        if (string.IsNullOrWhiteSpace(certificate))
        {
            throw Bad("A check by card needs the certificate as read at the card reader (base64 DER).", certificateLocation);
        }

        if (InsuranceNumbers.LooksLikeMyNumber(certificate))
        {
            throw Bad("The certificate " + InsuranceNumbers.MyNumberRefusal, certificateLocation);
        }

        var key = CardKeys.FromCertificate(certificate, checker.Now, certificateLocation);
        return new EligibilityQuery { CardKey = key, VisitDate = visitDate, Consent = Consent(categories, validUntil, caller, consentLocation) };
    }

    public EligibilityQuery FromInsuranceCard(string? insurer, string? symbol, string? number, string? branch, string? birthDate, DateOnly visitDate, string location)
    {
        foreach (var (value, name) in new[] { (insurer, "insurerNumber"), (symbol, "symbol"), (number, "number"), (branch, "branch") })
        {
            if (InsuranceNumbers.LooksLikeMyNumber(value))
            {
                throw Bad($"The {name} " + InsuranceNumbers.MyNumberRefusal, location + "." + name);
            }
        }

        if (string.IsNullOrWhiteSpace(insurer))
        {
            throw Bad("A check by insurance card needs the insurer number (保険者番号).", location + ".insurerNumber");
        }

        if (string.IsNullOrWhiteSpace(number))
        {
            throw Bad("A check by insurance card needs the number (番号).", location + ".number");
        }

        var field = location + (InsuranceNumbers.InsurerNumberError(insurer.Trim()) is not null ? ".insurerNumber" : branch is not null && InsuranceNumbers.BranchError(InsuranceNumbers.Canonical(branch)) is not null ? ".branch" : "");
        var insured = InsuredNumber.From(insurer, symbol, number, string.IsNullOrEmpty(branch) ? null : branch, field, HttpStatusCode.BadRequest);
        var born = Date(birthDate, location + ".birthDate", "the birth date (生年月日)") ??
                   throw Bad("A check by insurance card needs the birth date (生年月日), YYYY-MM-DD.", location + ".birthDate");
        if (born > checker.Today)
        {
            throw Bad("The birth date is in the future.", location + ".birthDate");
        }

        return new EligibilityQuery { Number = insured, BirthDate = born, VisitDate = visitDate };
    }

    public DateOnly VisitDate(string? text, string location) => Date(text, location, "the visit date") ?? checker.Today;

    private ReaderConsent? Consent(IReadOnlyList<string>? categories, string? validUntil, AccessContext caller, string location)
    {
        if (categories is null || categories.Count == 0)
        {
            return validUntil is null ? null : throw Bad("A consent's end needs the categories consented to.", location + ".categories");
        }

        foreach (var category in categories)
        {
            if (!ConsentRecorder.ReaderCategories.Contains(category))
            {
                throw Bad($"'{category}' is not a category of the card reader's consent: use {string.Join(", ", ConsentRecorder.ReaderCategories)}.", location + ".categories");
            }
        }

        EligibilityAccess.RequireInstitution(caller);
        DateTimeOffset? until = null;
        if (validUntil is not null)
        {
            if (!DateTimeOffset.TryParse(validUntil, CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || !validUntil.Contains('T', StringComparison.Ordinal))
            {
                throw Bad("The consent's end must be a date-time with its offset, e.g. 2026-12-25T09:00:00+09:00.", location + ".validUntil");
            }

            var now = checker.Now;
            if (end <= now || end > now.AddDays(options.Value.MaxConsentDays))
            {
                throw Bad($"The consent's end must be after now and at most {options.Value.MaxConsentDays} days ahead.", location + ".validUntil");
            }

            until = end;
        }

        return new ReaderConsent([.. categories.Distinct()], until);
    }

    private static DateOnly? Date(string? text, string location, string what)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 1870
            ? date
            : throw Bad($"'{text}' is not a date for {what}: use YYYY-MM-DD.", location);
    }

    private static FhirException Bad(string message, string location) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, message, location);
}
