using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Sharing.ClinicalItems;

namespace Kakehashi.Platform.Sharing.Summary;

/// <summary>
/// <c>GET Patient/[id]/$summary</c>: the patient summary, generated on demand from the six
/// clinical items of every institution (<see cref="SharedItemsView"/>: same access, windows,
/// sources and 未告知 rule) as a <c>document</c> Bundle with one section per kind.
/// </summary>
public sealed class PatientSummaryOperation(SharedItemsView view, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "summary";

    public string Name => OperationName;

    public OperationAccess Access => OperationAccess.OwnRecord;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-summary";

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var (_, patient, items) = await view.ReadAsync(request, "patient summary", ClinicalItemKind.All, null, cancellationToken);
        var sections = ClinicalItemKind.All.Select(kind => new SummaryDocument.Section(ClinicalItemKind.Title(kind), kind, [.. items.Where(i => i.Item.Kind == kind)])).ToList();
        return new FhirResponse { Bundle = SummaryDocument.Build("患者サマリー", "60591-5", "Patient summary Document", patient, sections, time.GetUtcNow()) };
    }
}
