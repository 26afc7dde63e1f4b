namespace Kakehashi.Platform.Prescriptions;

/// <summary>A row of <c>prescription_dispensings</c>: one use of a prescription, as the pharmacist registered it.</summary>
public sealed record DispensingRow(
    string PrescriptionId,
    int UseNumber,
    string PharmacyCode,
    string Pharmacist,
    DateOnly DispensedDay,
    IReadOnlyList<string> DispenseIds,
    bool Electronic,
    string? SignerSerial,
    string? TimeStamp,
    DateTimeOffset RegisteredAt,
    string Document);
