using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Sharing.ClinicalItems;

namespace Kakehashi.Platform.Sharing.Summary;

/// <summary>
/// <c>GET Patient/[id]/$emergency-summary</c> (救急時医療情報閲覧): for a hospital doctor holding an
/// emergency grant (<c>$emergency-access</c>), without the patient's consent, one page of what
/// matters in an emergency — current diagnoses, allergies and contraindications, the medicines
/// of the last 100 days, the latest result of each test. The access guard audits it under the
/// grant, so the patient's access log shows it as an emergency view with the doctor's reason.
/// </summary>
public sealed class EmergencySummaryOperation(SharedItemsView view, ViewingWindows windows, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "emergency-summary";

    public string Name => OperationName;

    // Opens a patient the doctor cannot otherwise see: the grant, not visibility, decides.
    public OperationAccess Access => OperationAccess.SelfNarrowing;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-emergency-summary";

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var (_, patient, items) = await view.ReadAsync(request, "emergency summary", ClinicalItemKind.All, v => v is SharingViewer.Emergency or SharingViewer.Operator, cancellationToken);
            var today = windows.Today;
            var sections = new List<SummaryDocument.Section>
            {
                new("傷病名（現在）", ClinicalItemKind.Diagnosis, [.. items.Where(i => i.Item.Kind == ClinicalItemKind.Diagnosis && i.Item.Ended is null)]),
                new("アレルギー・薬剤禁忌", ClinicalItemKind.DrugAllergy, [.. items.Where(i => i.Item.Kind is ClinicalItemKind.DrugAllergy or ClinicalItemKind.OtherAllergy)]),
                new("感染症", ClinicalItemKind.Infection, [.. items.Where(i => i.Item.Kind == ClinicalItemKind.Infection)]),
                new("処方（直近100日）", ClinicalItemKind.Prescription, [.. items.Where(i => i.Item.Kind == ClinicalItemKind.Prescription && i.Item.Day >= today.AddDays(-ViewingWindows.PrescriptionDays))]),
                new("検査（各項目の最新）", ClinicalItemKind.Lab, [.. items.Where(i => i.Item.Kind == ClinicalItemKind.Lab).GroupBy(i => i.Item.Code).Select(g => g.First())]),
            };
            return new FhirResponse { Bundle = SummaryDocument.Build("救急時サマリー", "60591-5", "Patient summary Document", patient, sections, time.GetUtcNow()) };
        }
        catch (FhirException e) when (e.Status == System.Net.HttpStatusCode.Forbidden)
        {
            throw FhirException.Forbidden("The emergency summary is for a hospital doctor under emergency access: state the reason first (POST Patient/[id]/$emergency-access). " + e.Message);
        }
    }
}
