using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// One hit of the check: a new drug against a running course (or, for a contraindication,
/// against another drug of the same prescription, when <see cref="Existing"/> is null).
/// </summary>
public sealed record CheckFinding(
    string Kind,
    PrescribedDrug Drug,
    DrugProduct Product,
    MedicationCourse? Existing,
    DrugProduct OtherProduct,
    PrescribedDrug? OtherDrug,
    string? Reason,
    string? Source)
{
    public const string Duplicate = "duplicate";

    public const string Contraindication = "contraindication";
}

/// <summary>
/// The answer of one check: the findings, the drugs it could not check (outside the master), the
/// master version that answered, and whether the caller may see what was found (viewing consent).
/// </summary>
public sealed record CheckResult(string PatientId, string MasterVersion, IReadOnlyList<CheckFinding> Findings, IReadOnlyList<PrescribedDrug> Unchecked, bool Disclosed, DateTimeOffset At);
