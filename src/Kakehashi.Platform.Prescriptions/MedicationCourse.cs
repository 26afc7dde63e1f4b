namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// A drug a patient takes, from a prescription or a dispensing record, over the days it counts
/// as taken: the check compares a new drug with every course still running.
/// </summary>
public sealed record MedicationCourse(string Source, string DrugCode, string? DrugName, string InstitutionCode, DateOnly Start, DateOnly End);
