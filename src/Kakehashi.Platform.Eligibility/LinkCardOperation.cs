using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// <c>POST Coverage/$link-card</c>: an insurer links a card's user certificate to an insured
/// number. Parameters: <c>insuredNumber</c> (保険者番号:記号:番号:枝番) or <c>coverage</c>
/// (Reference), and <c>certificate</c> (base64Binary, DER) or <c>issuer</c> + <c>serial</c>.
/// The Coverage is updated with the certificate's hash as an identifier (the serial is not
/// stored), replacing a previous card; the update is checked, versioned and audited like any
/// other. The My Number is never a parameter and is refused wherever it appears. A Coverage the
/// caller cannot see (another insurer's insured person) answers exactly as one that does not
/// exist: the operation must not tell an insurer whose insured numbers are registered elsewhere.
/// </summary>
public sealed class LinkCardOperation(ResourceService resources, SearchService search, EligibilityLookup lookup, FhirSerializer serializer, TimeProvider time) : IFhirOperation
{
    // One text for an unknown number and for one the caller may not see: no number, no insurer, no existence oracle.
    private const string NoQualification = "No active qualification the caller may see has this insured number.";

    public string Name => "link-card";

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Coverage-link-card";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Coverage";

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Parameters;
        foreach (var parameter in parameters.Parameter)
        {
            if (parameter.Name is not ("insuredNumber" or "coverage" or "certificate" or "issuer" or "serial"))
            {
                throw FhirException.BadRequest($"'{parameter.Name}' is not a parameter of $link-card (insuredNumber or coverage; certificate, or issuer and serial).", parameter.Name);
            }

            if (parameter.Value is PrimitiveType primitive && InsuranceNumbers.LooksLikeMyNumber(primitive.ToString()))
            {
                throw FhirException.BadRequest($"The parameter '{parameter.Name}' " + InsuranceNumbers.MyNumberRefusal, parameter.Name);
            }
        }

        var cardKey = CardKey(parameters);
        var coverageId = request.Id ?? await CoverageIdAsync(request, parameters, cancellationToken);
        var stored = await resources.ReadAsync("Coverage", coverageId, request.Transaction, cancellationToken);
        var coverage = (Coverage)serializer.ParseJson(stored.Json);
        if (!coverage.Identifier.Any(i => i.System == KnownEligibilitySystems.InsuredMemberId))
        {
            throw FhirException.Unprocessable($"Coverage/{coverageId} carries no insured number: only a qualification can be linked to a card.", "coverage");
        }

        coverage.Identifier.RemoveAll(i => i.System is KnownEligibilitySystems.CardCertificate or KnownEligibilitySystems.CardCertificateHash);
        coverage.Identifier.Add(new Identifier(KnownEligibilitySystems.CardCertificateHash, cardKey));
        // Unrestricted like the read above: who may link which card is the access rule of this operation (its own insured, checked by the guard and the registration interceptor).
        return await resources.UpdateAsync("Coverage", coverageId, coverage, stored.VersionId, new Writer(request.Http.Caller, null), request.Transaction, cancellationToken);
    }

    private string CardKey(Parameters parameters)
    {
        if (parameters.GetSingleValue<Base64Binary>("certificate") is { Value: { } der })
        {
            return CardKeys.FromCertificate(Convert.ToBase64String(der), time.GetUtcNow(), "certificate");
        }

        if (parameters.Parameter.Any(p => p.Name == "certificate"))
        {
            throw FhirException.BadRequest("'certificate' must be valueBase64Binary: the DER bytes of the card's user certificate.", "certificate");
        }

        var key = CardKeys.FromIssuerAndSerial(
            parameters.GetSingleValue<FhirString>("issuer")?.Value, parameters.GetSingleValue<FhirString>("serial")?.Value, "serial");
        return key;
    }

    /// <summary>
    /// The Coverage named at type level. The instance level (<c>Coverage/[id]/$link-card</c>) needs
    /// no such check: the access guard answers 404 for an instance the caller cannot see.
    /// </summary>
    private async Task<string> CoverageIdAsync(OperationRequest request, Parameters parameters, CancellationToken cancellationToken)
    {
        if (parameters.GetSingleValue<ResourceReference>("coverage")?.Reference is { } reference)
        {
            var id = reference.StartsWith("Coverage/", StringComparison.Ordinal)
                ? reference["Coverage/".Length..]
                : throw FhirException.BadRequest("'coverage' must reference a Coverage (Coverage/{id}).", "coverage");
            // The answer a read gives for a missing id.
            return await IsVisibleAsync(request, id, cancellationToken) ? id : throw FhirException.NotFound($"Coverage/{id} is not known.");
        }

        var text = parameters.GetSingleValue<FhirString>("insuredNumber")?.Value
            ?? throw FhirException.BadRequest("$link-card needs 'insuredNumber' (保険者番号:記号:番号:枝番) or 'coverage'.", "insuredNumber");
        var number = InsuredNumber.Parse(text, "insuredNumber", branchRequired: true, HttpStatusCode.BadRequest);
        // The lookup is global (the eligibility index); what the caller may see is decided below, like a read.
        var found = await lookup.ByInsuredNumberAsync(number, cancellationToken);
        return found.Count == 1 && await IsVisibleAsync(request, found[0].Qualification.CoverageId, cancellationToken)
            ? found[0].Qualification.CoverageId
            : throw FhirException.NotFound(NoQualification);
    }

    /// <summary>The caller's own search for the Coverage, narrowed as the access guard narrowed this request, finds it.</summary>
    private async Task<bool> IsVisibleAsync(OperationRequest request, string coverageId, CancellationToken cancellationToken)
    {
        if (request.Http.Restriction is null)
        {
            return true;
        }

        var probe = new FhirRequest
        {
            Method = "GET",
            Path = "Coverage",
            Query = [new("_id", coverageId)],
            BaseUrl = request.Http.BaseUrl,
            Caller = request.Http.Caller,
            Restriction = request.Http.Restriction,
        };
        var found = await search.SearchAsync("Coverage", probe, request.Transaction, cancellationToken);
        return found.Bundle is { } bundle && bundle.Entries.Any(e => e.SearchMode == Bundle.SearchEntryMode.Match);
    }
}
