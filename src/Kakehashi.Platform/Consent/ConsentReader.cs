using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// Reads the grants a FHIR <c>Consent</c> gives, following the rules of docs/security/consent.md,
/// and explains precisely (with the element's path) why a Consent gives none it was meant to.
/// </summary>
public static class ConsentReader
{
    public const string InstitutionCodeSystem = KnownJapanSystems.InstitutionCode;

    private const string RecipientRole = "IRCP";

    /// <summary>The grants of a Consent in force (active, permit); empty for any other status. Throws 422 for a malformed one.</summary>
    public static IReadOnlyList<ConsentGrant> Grants(Hl7.Fhir.Model.Consent consent)
    {
        var patient = consent.Patient?.Reference;
        if (patient is null || !patient.StartsWith("Patient/", StringComparison.Ordinal) || patient.Length <= "Patient/".Length || patient.Count(c => c == '/') != 1)
        {
            throw FhirException.Unprocessable("A consent names its patient as a relative reference Patient/{id}.", "Consent.patient");
        }

        var categories = consent.Category.SelectMany(c => c.Coding).Where(c => c.System == ConsentCategories.System).Select(c => c.Code).Distinct().ToList();
        var unknown = categories.FirstOrDefault(c => !ConsentCategories.All.Contains(c));
        if (unknown is not null || categories.Count == 0)
        {
            throw FhirException.Unprocessable(
                $"A consent names one or more categories of {ConsentCategories.System} ({string.Join(", ", ConsentCategories.All)}){(unknown is null ? "" : $"; '{unknown}' is not one")}.",
                "Consent.category");
        }

        var provision = consent.Provision ?? throw FhirException.Unprocessable("A consent needs a provision with its period and recipients.", "Consent.provision");
        if (provision.Period?.StartElement?.ToDateTimeOffset(TimeSpan.Zero) is not { } from || provision.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero) is not { } until)
        {
            throw FhirException.Unprocessable("A consent is given for a time: provision.period needs a start and an end.", "Consent.provision.period");
        }

        if (until <= from)
        {
            throw FhirException.Unprocessable("The consent period ends before it starts.", "Consent.provision.period");
        }

        var recipients = new List<string>();
        for (var i = 0; i < provision.Actor.Count; i++)
        {
            var actor = provision.Actor[i];
            if (!actor.Role.Coding.Any(c => c.Code == RecipientRole))
            {
                continue;
            }

            var identifier = actor.Reference?.Identifier;
            if (identifier?.System != InstitutionCodeSystem || identifier.Value is not { } code || !InstitutionCodes.IsValidInstitutionCode(code))
            {
                throw FhirException.Unprocessable(
                    $"A recipient (role {RecipientRole}) is named by its 10-digit institution code with a valid check digit ({InstitutionCodeSystem}).",
                    $"Consent.provision.actor[{i}].reference.identifier");
            }

            recipients.Add(code);
        }

        if (recipients.Count == 0)
        {
            throw FhirException.Unprocessable($"A consent names at least one recipient organization (provision.actor with role {RecipientRole}).", "Consent.provision.actor");
        }

        if (consent.Status != Hl7.Fhir.Model.Consent.ConsentState.Active || provision.Type != Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit)
        {
            // A draft, withdrawn or refusing consent is recorded but grants nothing.
            return [];
        }

        return [.. recipients.Distinct().SelectMany(code => categories.Select(category => new ConsentGrant(patient, code, category!, from, until)))];
    }
}
