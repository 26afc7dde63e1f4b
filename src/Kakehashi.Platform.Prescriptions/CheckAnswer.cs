using Hl7.Fhir.Model;
using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// A check's answer as FHIR: a <c>collection</c> Bundle of <c>DetectedIssue</c>s, tagged with the
/// drug master version that answered, and an <c>OperationOutcome</c> naming the drugs outside the
/// master. Without viewing consent a finding is one DetectedIssue per kind that says only that
/// something was found — no drug, no institution, no day (../shared/DOMAIN.md).
/// </summary>
public static class CheckAnswer
{
    public const string SourceInstitutionExtension = "http://kakehashi.jp/fhir/StructureDefinition/source-institution";

    public static Bundle ToBundle(CheckResult result, bool final)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = result.At,
            Meta = new Meta { Tag = [new Coding(KnownPrescriptionSystems.DrugMasterVersion, result.MasterVersion)] },
        };
        var status = final ? ObservationStatus.Final : ObservationStatus.Preliminary;
        var issues = result.Disclosed
            ? result.Findings.Select(f => Disclosed(result, f, status))
            : result.Findings.Select(f => f.Kind).Distinct().Select(kind => Undisclosed(result, kind, status));
        foreach (var issue in issues)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = issue });
        }

        var outcome = new OperationOutcome();
        foreach (var drug in result.Unchecked)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.NotFound,
                Diagnostics = $"{drug.Display}（{drug.Line}行目）は医薬品マスタ（{result.MasterVersion}）にないため、チェックしていません。 " +
                              $"Line {drug.Line} ({drug.YjCode ?? "no YJ code"}) is outside the drug master and was not checked.",
            });
        }

        if (!result.Disclosed && result.Findings.Count > 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Suppressed,
                Diagnostics = "患者の閲覧同意がないため、薬剤名・医療機関は表示していません。 The patient has not consented to your viewing their medication: the details are withheld.",
            });
        }

        if (outcome.Issue.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = outcome });
        }

        return bundle;
    }

    private static DetectedIssue Disclosed(CheckResult result, CheckFinding finding, ObservationStatus status)
    {
        var issue = Base(result, finding.Kind, status);
        issue.Implicated.Add(new ResourceReference { Display = $"{finding.Drug.Display}（処方{finding.Drug.Line}行目）" });
        string against;
        if (finding.Existing is { } course)
        {
            var reference = course.Source.StartsWith("MedicationDispense/", StringComparison.Ordinal)
                ? new ResourceReference(course.Source, course.DrugName)
                : new ResourceReference { Identifier = new Identifier(KnownPrescriptionSystems.PrescriptionId, course.Source["Prescription/".Length..]), Display = course.DrugName };
            reference.Extension.Add(new Extension(SourceInstitutionExtension, new Identifier(KnownJapanSystems.InstitutionCode, course.InstitutionCode)));
            issue.Implicated.Add(reference);
            against = $"{course.DrugName ?? finding.OtherProduct.Name}（医療機関 {course.InstitutionCode}、{Day(course.Start)}〜{Day(course.End)}）";
        }
        else
        {
            issue.Implicated.Add(new ResourceReference { Display = $"{finding.OtherDrug!.Display}（処方{finding.OtherDrug.Line}行目）" });
            against = $"{finding.OtherDrug.Display}（同じ処方）";
        }

        issue.Detail = finding.Kind == CheckFinding.Duplicate
            ? $"重複投薬: {finding.Drug.Display} と {against} は同じ成分（{finding.Product.IngredientName}、{Route(finding.Product.Route)}）です。"
            : $"併用禁忌: {finding.Drug.Display} と {against}。{finding.Reason}（出典: {finding.Source}）";
        return issue;
    }

    private static DetectedIssue Undisclosed(CheckResult result, string kind, ObservationStatus status)
    {
        var issue = Base(result, kind, status);
        issue.Detail = kind == CheckFinding.Duplicate
            ? "重複投薬の可能性があります。詳細は患者の同意を得て確認してください。"
            : "併用禁忌の可能性があります。詳細は患者の同意を得て確認してください。";
        return issue;
    }

    private static DetectedIssue Base(CheckResult result, string kind, ObservationStatus status) => new()
    {
        Meta = new Meta { Tag = [new Coding(KnownPrescriptionSystems.DrugMasterVersion, result.MasterVersion)] },
        Status = status,
        Code = new CodeableConcept
        {
            Coding =
            [
                new Coding(KnownPrescriptionSystems.CheckFinding, kind, kind == CheckFinding.Duplicate ? "重複投薬" : "併用禁忌"),
                new Coding(KnownPrescriptionSystems.ActCode, kind == CheckFinding.Duplicate ? "DUPTHPY" : "DRG"),
            ],
        },
        Severity = kind == CheckFinding.Contraindication ? DetectedIssue.DetectedIssueSeverity.High : DetectedIssue.DetectedIssueSeverity.Moderate,
        Patient = new ResourceReference("Patient/" + result.PatientId),
        Identified = new FhirDateTime(result.At),
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Route(DrugRoute route) => route switch
    {
        DrugRoute.Internal => "内用",
        DrugRoute.Injection => "注射",
        DrugRoute.External => "外用",
        _ => "歯科用",
    };
}
