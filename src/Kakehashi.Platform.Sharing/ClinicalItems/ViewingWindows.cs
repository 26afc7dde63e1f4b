using System.Globalization;
using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// How long clinical items are kept and which are shown (電子カルテ情報共有サービス, docs/sharing.md):
/// diagnoses until five years after they ended, infections and allergies five years from their day,
/// labs the last year or — when fewer — the last three results of each test, prescriptions the last
/// 100 days or the last three. The long-term flag (LTS) keeps an item beyond retention. Days are
/// Japan's; the boundary day itself is still inside.
/// </summary>
public sealed class ViewingWindows(TimeProvider time)
{
    public const int RetentionYears = 5;
    public const int LabDays = 365;
    public const int PrescriptionDays = 100;
    public const int LastResults = 3;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(JapanTime.Offset).DateTime);

    /// <summary>A diagnosis that ended more than five years ago (not flagged long-term): not accepted for sharing.</summary>
    public bool EndedBeyondRetention(Resource resource) =>
        resource is Condition && !IsLongTerm(resource) && Ended(resource) is { } ended && ended < Today.AddYears(-RetentionYears);

    /// <summary>Whether retention has passed for an item: what the retention job removes.</summary>
    public bool Expired(ClinicalItem item)
    {
        if (item.LongTerm)
        {
            return false;
        }

        var limit = Today.AddYears(-RetentionYears);
        return item.Kind == ClinicalItemKind.Diagnosis ? item.Ended is { } ended && ended < limit : item.Day is { } day && day < limit;
    }

    /// <summary>The items a view shows, newest first within each kind.</summary>
    public IReadOnlyList<ClinicalItem> Shown(IEnumerable<ClinicalItem> items)
    {
        var kept = items.Where(i => !Expired(i)).OrderByDescending(i => i.Day ?? DateOnly.MinValue).ToList();
        var shown = new List<ClinicalItem>();
        shown.AddRange(kept.Where(i => i.Kind is not (ClinicalItemKind.Lab or ClinicalItemKind.Prescription)));
        shown.AddRange(LastOrRecent(kept.Where(i => i.Kind == ClinicalItemKind.Lab), LabDays, i => i.Code));
        shown.AddRange(LastOrRecent(kept.Where(i => i.Kind == ClinicalItemKind.Prescription), PrescriptionDays, _ => ""));
        return shown;
    }

    // Within the window, or among the last three of its group — whichever shows more.
    private IEnumerable<ClinicalItem> LastOrRecent(IEnumerable<ClinicalItem> items, int days, Func<ClinicalItem, string> group)
    {
        var from = Today.AddDays(-days);
        return items.GroupBy(group).SelectMany(g => g.Select((item, rank) => (item, rank)).Where(x => x.rank < LastResults || x.item.Day >= from).Select(x => x.item));
    }

    public static bool IsLongTerm(Resource resource) =>
        resource.Meta?.Tag.Any(t => t.System == KnownJapanSystems.ClinicalIndication && t.Code == KnownJapanSystems.LongTermStorage) == true;

    /// <summary>The item's own day in Japan.</summary>
    public static DateOnly? Day(Resource resource, DateTimeOffset stored) => resource switch
    {
        Condition c => Parse(c.RecordedDate) ?? Parse((c.Onset as FhirDateTime)?.Value) ?? Parse((c.Onset as Period)?.Start),
        Observation o => Parse((o.Effective as FhirDateTime)?.Value) ?? Parse((o.Effective as Instant)?.Value?.ToString("O", CultureInfo.InvariantCulture)) ?? Parse((o.Effective as Period)?.Start) ?? Parse(o.Issued?.ToString("O", CultureInfo.InvariantCulture)),
        AllergyIntolerance a => Parse(a.RecordedDate) ?? Parse((a.Onset as FhirDateTime)?.Value) ?? Parse(a.LastOccurrence),
        MedicationRequest m => Parse(m.AuthoredOn),
        _ => null,
    } ?? DateOnly.FromDateTime(stored.ToOffset(JapanTime.Offset).DateTime);

    /// <summary>A diagnosis's end (abatement), if stated.</summary>
    public static DateOnly? Ended(Resource resource) => resource is Condition c
        ? Parse((c.Abatement as FhirDateTime)?.Value) ?? Parse((c.Abatement as Period)?.End)
        : null;

    private static DateOnly? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        if (value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return month;
        }

        if (value.Length == 4 && int.TryParse(value, CultureInfo.InvariantCulture, out var year))
        {
            return new DateOnly(year, 1, 1);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? DateOnly.FromDateTime(instant.ToOffset(JapanTime.Offset).DateTime)
            : null;
    }
}
