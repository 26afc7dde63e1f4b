using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Validation;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// Validates a prescription against the ePrescription guide's Bundle profile (JP_Bundle_ePrescriptionData,
/// and through it the profiles of its entries) with the server's Firely validator; a document with
/// errors is refused with 422 listing every error, and nothing is stored.
/// </summary>
public sealed class PrescriptionValidator(ProfileValidator validator)
{
    public const string BundleProfile = "http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_Bundle_ePrescriptionData";

    public void Validate(Bundle bundle)
    {
        var outcome = validator.Validate(bundle, BundleProfile);
        if (!ProfileValidator.HasErrors(outcome))
        {
            return;
        }

        var errors = new OperationOutcome();
        errors.Issue.AddRange(outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal));
        throw new FhirException(HttpStatusCode.UnprocessableEntity, errors);
    }
}
