using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// The one shape of a permit the platform writes (docs/security/consent.md): categories, the
/// patient, the receiving institution as the IRCP actor, a start and an end in Japan time —
/// whether given at a card reader or by the patient in the portal.
/// </summary>
public static class ConsentDocument
{
    public static Hl7.Fhir.Model.Consent Permit(string patientId, string institutionCode, IEnumerable<string> categories, DateTimeOffset from, DateTimeOffset until)
    {
        var japan = JapanTime.Offset;
        return new Hl7.Fhir.Model.Consent
        {
            Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [.. categories.Select(c => new CodeableConcept(ConsentCategories.System, c))],
            Patient = new ResourceReference("Patient/" + patientId),
            DateTimeElement = new FhirDateTime(from.ToOffset(japan)),
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent
            {
                Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                Period = new Period(new FhirDateTime(from.ToOffset(japan)), new FhirDateTime(until.ToOffset(japan))),
                Actor =
                [
                    new Hl7.Fhir.Model.Consent.provisionActorComponent
                    {
                        Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                        Reference = new ResourceReference { Identifier = new Identifier(KnownJapanSystems.InstitutionCode, institutionCode) },
                    },
                ],
            },
        };
    }
}
