namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// One drug of a prescription or a dispensing record as the check sees it: the YJ code (null
/// when the record names the drug only by another code — then it is outside the master), how
/// many days it covers, and whether it is taken as needed (頓用) or in hospital.
/// </summary>
public sealed record PrescribedDrug(int Line, string? YjCode, string Display, int? Days, bool AsNeeded, bool Inpatient)
{
    /// <summary>The drug a dispensing record names: its YJ code, days of supply, 頓用, inpatient category.</summary>
    public static PrescribedDrug FromDispense(int line, Hl7.Fhir.Model.MedicationDispense dispense)
    {
        var concept = dispense.Medication as Hl7.Fhir.Model.CodeableConcept;
        var yj = concept?.Coding.FirstOrDefault(c => KnownPrescriptionSystems.IsYj(c.System))?.Code;
        var days = dispense.DaysSupply?.Value is { } value && dispense.DaysSupply.Code is "d" or null ? (int?)decimal.Round(value) : null;
        var asNeeded = dispense.DosageInstruction.Any(d => d.AsNeeded is Hl7.Fhir.Model.FhirBoolean { Value: true } or Hl7.Fhir.Model.CodeableConcept);
        var inpatient = dispense.Category?.Coding.Any(c => c.Code == "inpatient") == true;
        return new PrescribedDrug(line, yj, concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? yj ?? "", days, asNeeded, inpatient);
    }
}
