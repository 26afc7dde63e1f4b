using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// 重複投薬等チェック, as ../shared/DOMAIN.md describes it: a new drug duplicates a running course
/// when both have the same active ingredient and route (<see cref="DrugProduct.DuplicateKey"/>);
/// it is contraindicated with a running course, or with another drug of the same prescription,
/// when the master lists the pair 併用禁忌 (never 併用注意). Courses from the caller's own
/// institution are left out unless it opted in; inpatient courses are never read; a drug outside
/// the master is not checked and is listed as such. The caller sees the details only with the
/// patient's viewing consent for its organization (or emergency access); the check runs anyway.
/// Its two reads — the consent and the running courses — share one pooled connection: at 32
/// concurrent checks on PostgreSQL a connection per read was a third of the requests' round trips.
/// </summary>
public sealed class MedicationChecker(SqlDialect dialect, DrugMasterProvider masters, PrescriptionSettings settings, PrescriptionClock clock)
{
    /// <summary>The consent category that opens a patient's medicines to an institution.</summary>
    public const string ViewingCategory = "medication";

    public async Task<CheckResult> CheckAsync(AccessContext caller, string patientId, IReadOnlyList<PrescribedDrug> drugs, string? excludeSource, CancellationToken cancellationToken)
    {
        var master = await masters.CurrentAsync(cancellationToken);
        var now = clock.Now;
        var today = clock.Today;
        var patientKey = "Patient/" + patientId;
        var institutionCode = caller.OrganizationCode;
        var checkOwn = institutionCode is not null && await settings.ChecksOwnAsync(institutionCode, cancellationToken);
        bool disclosed;
        List<MedicationCourse> running;
        await using (var connection = await dialect.OpenConnectionAsync(cancellationToken))
        {
            disclosed = caller.Emergency
                || (institutionCode is not null && await ConsentGrantLookup.IsInForceAsync(connection, patientKey, institutionCode, ViewingCategory, now, cancellationToken));
            running = [.. (await MedicationCourses.RunningAsync(connection, patientKey, today, cancellationToken))
                .Where(c => c.Source != excludeSource && (checkOwn || c.InstitutionCode != institutionCode))];
        }

        var products = drugs.Select(d => (Drug: d, Product: d.YjCode is null || d.Inpatient ? null : master.Find(d.YjCode))).ToList();
        var findings = new List<CheckFinding>();
        foreach (var (drug, product) in products.Where(p => p.Product is not null))
        {
            foreach (var course in running)
            {
                if (master.Find(course.DrugCode) is not { } other)
                {
                    continue;
                }

                if (other.DuplicateKey == product!.DuplicateKey)
                {
                    findings.Add(new CheckFinding(CheckFinding.Duplicate, drug, product, course, other, null, null, null));
                }

                foreach (var pair in master.Contraindications(product, other))
                {
                    findings.Add(new CheckFinding(CheckFinding.Contraindication, drug, product, course, other, null, pair.Reason, pair.Source));
                }
            }
        }

        // Within the new prescription: contraindicated pairs only (the same ingredient twice is how uneven doses are written).
        var known = products.Where(p => p.Product is not null).ToList();
        for (var i = 0; i < known.Count; i++)
        {
            for (var j = i + 1; j < known.Count; j++)
            {
                foreach (var pair in master.Contraindications(known[i].Product!, known[j].Product!))
                {
                    findings.Add(new CheckFinding(CheckFinding.Contraindication, known[i].Drug, known[i].Product!, null, known[j].Product!, known[j].Drug, pair.Reason, pair.Source));
                }
            }
        }

        var notChecked = products.Where(p => p.Product is null && !p.Drug.Inpatient).Select(p => p.Drug).ToList();
        return new CheckResult(patientId, master.Version, findings, notChecked, disclosed, now);
    }
}
