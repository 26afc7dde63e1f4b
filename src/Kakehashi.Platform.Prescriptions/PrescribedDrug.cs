namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// One drug of a prescription or a dispensing record as the check sees it: the YJ code (null
/// when the record names the drug only by another code — then it is outside the master), how
/// many days it covers, and whether it is taken as needed (頓用) or in hospital.
/// </summary>
public sealed record PrescribedDrug(int Line, string? YjCode, string Display, int? Days, bool AsNeeded, bool Inpatient);
