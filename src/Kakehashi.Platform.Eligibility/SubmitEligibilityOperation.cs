using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Audit;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// <c>POST CoverageEligibilityRequest/$submit</c>: the FHIR form of an eligibility check. The
/// body is a CoverageEligibilityRequest — by card (the certificate in the card-certificate
/// extension, the reader's consent in the card-reader-consent extension) or by insurance card
/// (a contained Patient with the insured number identifier and the birth date) — and the answer
/// a CoverageEligibilityResponse with the status extension and the qualification as contained
/// Coverages (docs/eligibility.md). Neither is stored; the Consent given at the reader is.
/// </summary>
public sealed class SubmitEligibilityOperation(EligibilityAccess access, EligibilityRequests requests, EligibilityChecker checker, FhirSerializer serializer) : IFhirOperation
{
    public string Name => "submit";

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/CoverageEligibilityRequest-submit";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "CoverageEligibilityRequest" && id is null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Http.Caller ?? AuditScope.Current?.Caller
            ?? throw new FhirException(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, "An eligibility check needs an authenticated caller.");
        access.AuthorizeCheck(caller);
        var body = request.Parameters.Parameter.FirstOrDefault(p => p.Name is "resource" or "request")?.Resource as CoverageEligibilityRequest
            ?? throw FhirException.BadRequest("$submit takes a CoverageEligibilityRequest as the body.");
        var query = Query(body, caller);
        var result = await checker.CheckAsync(query, caller,
            ("CoverageEligibilityRequest.patient.identifier", "CoverageEligibilityRequest.patient.birthDate"), cancellationToken, request.Transaction);
        var answer = EligibilityResponses.ToFhir(result, body, checker.Now);
        // Returned as a stored-like resource so the guard's audit row names the patient; it is not persisted.
        var json = serializer.SerializeToBytes(answer, FhirFormat.Json);
        return FhirResponse.ForStored(new StoredResource("CoverageEligibilityResponse", answer.Id!, 1, result.CheckedAt, false, json));
    }

    private EligibilityQuery Query(CoverageEligibilityRequest body, Kakehashi.Fhir.Security.AccessContext caller)
    {
        var visitDate = body.Serviced switch
        {
            Date date => requests.VisitDate(date.Value, "CoverageEligibilityRequest.servicedDate"),
            Period period => requests.VisitDate(period.Start?[..Math.Min(10, period.Start.Length)], "CoverageEligibilityRequest.servicedPeriod.start"),
            _ => checker.Today,
        };
        var card = body.GetExtension(KnownEligibilitySystems.CardCertificateExtension);
        if (card is not null)
        {
            if (card.Value is not Base64Binary { Value.Length: > 0 } der)
            {
                throw FhirException.BadRequest("The card-certificate extension needs valueBase64Binary: the DER certificate as read at the card reader.", "CoverageEligibilityRequest.extension");
            }

            var consent = body.GetExtension(KnownEligibilitySystems.ReaderConsentExtension);
            var categories = consent?.Extension.Where(e => e.Url == "category").Select(e => (e.Value as Code)?.Value ?? "").ToList();
            var until = (consent?.GetExtension("validUntil")?.Value as FhirDateTime)?.Value;
            return requests.FromCard(Convert.ToBase64String(der.Value), categories, until, visitDate, caller,
                "CoverageEligibilityRequest.extension('card-certificate')", "CoverageEligibilityRequest.extension('card-reader-consent')");
        }

        if (body.GetExtension(KnownEligibilitySystems.ReaderConsentExtension) is not null)
        {
            throw FhirException.BadRequest("Consent is given at the card reader: a check by insurance card cannot carry it.", "CoverageEligibilityRequest.extension");
        }

        var reference = body.Patient?.Reference;
        var patient = reference is { Length: > 1 } && reference[0] == '#'
            ? body.Contained.OfType<Patient>().FirstOrDefault(p => p.Id == reference[1..])
            : null;
        if (patient is null)
        {
            throw FhirException.BadRequest(
                "A check by insurance card needs CoverageEligibilityRequest.patient to reference a contained Patient (\"#p\") carrying the insured number " +
                $"({KnownEligibilitySystems.InsuredMemberId}) and the birth date; a check by card needs the card-certificate extension.",
                "CoverageEligibilityRequest.patient");
        }

        var member = patient.Identifier.FirstOrDefault(i => i.System == KnownEligibilitySystems.InsuredMemberId)?.Value
            ?? throw FhirException.BadRequest($"The contained Patient needs an identifier in {KnownEligibilitySystems.InsuredMemberId} (保険者番号:記号:番号:枝番).", "CoverageEligibilityRequest.patient.identifier");
        var parts = member.Split(':');
        if (parts.Length != 4)
        {
            throw FhirException.BadRequest($"The insured number '{member}' must have four parts, 保険者番号:記号:番号:枝番 (枝番 empty only for an old card without one).", "CoverageEligibilityRequest.patient.identifier");
        }

        return requests.FromInsuranceCard(parts[0], parts[1], parts[2], parts[3], patient.BirthDate, visitDate, "CoverageEligibilityRequest.patient");
    }
}
