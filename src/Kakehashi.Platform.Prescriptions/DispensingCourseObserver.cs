using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// Keeps the check's courses equal to the dispensing records, whatever wrote them — a dispensing
/// registered here, a pharmacy's own system creating MedicationDispenses, a Bundle — in the
/// transaction that writes them: a new version replaces its rows; a delete, a cancelled or
/// entered-in-error record removes them.
/// </summary>
public sealed class DispensingCourseObserver(FhirSerializer serializer, DrugMasterProvider masters) : IResourceWriteObserver
{
    public async System.Threading.Tasks.Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (write.ResourceType != "MedicationDispense")
        {
            return;
        }

        var source = "MedicationDispense/" + write.Id;
        var sql = transaction.Sql();
        if (write.IsDeleted || !write.ShardKey.StartsWith("Patient/", StringComparison.Ordinal))
        {
            await MedicationCourses.RemoveAsync(sql, source, cancellationToken);
            return;
        }

        var dispense = (MedicationDispense)serializer.ParseJson(write.Json);
        if (dispense.Status is MedicationDispense.MedicationDispenseStatusCodes.Cancelled or MedicationDispense.MedicationDispenseStatusCodes.EnteredInError
            or MedicationDispense.MedicationDispenseStatusCodes.Declined or MedicationDispense.MedicationDispenseStatusCodes.Stopped)
        {
            await MedicationCourses.RemoveAsync(sql, source, cancellationToken);
            return;
        }

        var start = DayOf(dispense.WhenHandedOver ?? dispense.WhenPrepared) ?? DateOnly.FromDateTime(write.LastUpdated.ToOffset(JapanTime.Offset).DateTime);
        var drug = PrescribedDrug.FromDispense(1, dispense);
        // The server-stamped author first: a performer is what the writer claims, and a claim of
        // another institution would hide the course from that institution's check as its own.
        var institution = dispense.Meta?.Tag.FirstOrDefault(t => t.System == SqlAccessPredicate.AuthorTagSystem)?.Code
                          ?? dispense.Performer.Select(p => p.Actor?.Identifier).FirstOrDefault(i => i?.System == KnownJapanSystems.InstitutionCode)?.Value
                          ?? "";
        await MedicationCourses.ReplaceAsync(sql, source, write.ShardKey, institution, start, [drug], await masters.CurrentAsync(cancellationToken), null, cancellationToken);
    }

    private static DateOnly? DayOf(string? value) =>
        value is null ? null
        : value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day) ? day
        : DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant)
            ? DateOnly.FromDateTime(instant.ToOffset(JapanTime.Offset).DateTime)
            : null;
}
