using System.Data.Common;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The <c>medication_courses</c> table: what the duplicate / contraindication check reads, one row
/// per drug of a prescription not yet dispensed or of a dispensing record. A course runs from its
/// start day for its days of supply; a drug whose course cannot be computed — external use,
/// injection, as-needed (頓用), or no days given — counts for <see cref="UncomputableDays"/> days
/// (../shared/DOMAIN.md). Inpatient records are kept but never read by the check.
/// </summary>
public static class MedicationCourses
{
    public const int UncomputableDays = 14;

    /// <summary>The last day a drug started on <paramref name="start"/> counts as taken.</summary>
    public static DateOnly EndOf(DateOnly start, PrescribedDrug drug, DrugProduct? product)
    {
        var computable = drug.Days is > 0 && !drug.AsNeeded && product is { Route: DrugRoute.Internal };
        return start.AddDays((computable ? drug.Days!.Value : UncomputableDays) - 1);
    }

    /// <summary>Replaces the rows of <paramref name="source"/> with these drugs (none: removes them).</summary>
    public static async Task ReplaceAsync(ISqlTransaction transaction, string source, string patientKey, string institutionCode, DateOnly start,
        IEnumerable<PrescribedDrug> drugs, DrugMasterVersion master, string? prescriptionId, CancellationToken cancellationToken)
    {
        await RemoveAsync(transaction, source, cancellationToken);
        foreach (var drug in drugs.Where(d => d.YjCode is not null))
        {
            var end = EndOf(start, drug, master.Find(drug.YjCode!));
            await using var insert = SqlCommands.Create(transaction.Connection, transaction.Transaction,
                "INSERT INTO medication_courses (source, line, patient_key, drug_code, drug_name, institution_code, start_day, end_day, inpatient, prescription_id) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)",
                source, drug.Line, patientKey, drug.YjCode, drug.Display, institutionCode, start.DayNumber, end.DayNumber, drug.Inpatient ? 1 : 0, prescriptionId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task RemoveAsync(ISqlTransaction transaction, string source, CancellationToken cancellationToken)
    {
        await using var delete = SqlCommands.Create(transaction.Connection, transaction.Transaction, "DELETE FROM medication_courses WHERE source = @p0", source);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The patient's outpatient courses still running on <paramref name="today"/>: dispensing
    /// records, and prescriptions a pharmacy may still dispense (accepted, or registered within
    /// their window) — a cancelled or expired prescription is no longer a medicine the patient takes.
    /// </summary>
    public static async Task<List<MedicationCourse>> RunningAsync(DbConnection connection, string patientKey, DateOnly today, CancellationToken cancellationToken)
    {
        const string Sql =
            "SELECT c.source, c.drug_code, c.drug_name, c.institution_code, c.start_day, c.end_day FROM medication_courses c " +
            "LEFT JOIN prescriptions p ON p.id = c.prescription_id " +
            "WHERE c.patient_key = @p0 AND c.end_day >= @p1 AND c.inpatient = 0 " +
            "AND (c.prescription_id IS NULL OR p.status = @p2 OR (p.status = @p3 AND p.window_end >= @p4))";
        await using var command = SqlCommands.Create(connection, null, Sql,
            patientKey, today.DayNumber, PrescriptionStatus.Accepted, PrescriptionStatus.Registered, PrescriptionStore.Day(today));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var courses = new List<MedicationCourse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            courses.Add(new MedicationCourse(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                DateOnly.FromDayNumber(Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture)),
                DateOnly.FromDayNumber(Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return courses;
    }
}
