using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// A patient's clinical items as every view shows them: from all institutions, within the viewing
/// windows, the same item sent by several institutions shown once with each source named
/// (extension <see cref="SourceExtension"/>), a 未告知 diagnosis left out for the patient and
/// marked with a notice for everyone else.
/// </summary>
public sealed class SharedItemsView(IResourceStore store, SharingAccess access, ClinicalItemsReader reader, ViewingWindows windows)
{
    public const string SourceExtension = "http://kakehashi.jp/fhir/StructureDefinition/source-institution";
    public const string NoticeExtension = "http://kakehashi.jp/fhir/StructureDefinition/sharing-notice";
    public const string NotYetToldNotice = "未告知：この傷病名は患者本人にまだ告知されていません（本人の画面には表示されません）。";

    /// <summary>Authorizes the caller for the patient, then reads and shapes the items of <paramref name="kinds"/>.</summary>
    public async Task<(SharingViewer Viewer, IReadOnlyList<ClinicalItem> Items)> ReadAsync(
        OperationRequest request, string view, IReadOnlyCollection<string> kinds, Func<SharingViewer, bool>? allowed, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var patient = request.Transaction is null ? await store.ReadAsync("Patient", id, cancellationToken) : await request.Transaction.ReadAsync("Patient", id, cancellationToken);
        if (patient is null)
        {
            throw FhirException.NotFound($"Patient/{id} is not known.");
        }

        if (patient.IsDeleted)
        {
            throw FhirException.Gone($"Patient/{id} has been deleted.");
        }

        var viewer = await access.AuthorizeAsync(request, id, view, cancellationToken);
        if (allowed is not null && !allowed(viewer))
        {
            throw FhirException.Forbidden($"The {view} is not open to this caller ({viewer}).");
        }

        var items = windows.Shown(await reader.ReadAsync(id, kinds, request.Transaction, cancellationToken));
        return (viewer, Merge(viewer == SharingViewer.Patient ? items.Where(i => !i.NotYetTold) : items));
    }

    // One entry per item; the same item from several senders (kind, code and day alike) once, naming each.
    private static List<ClinicalItem> Merge(IEnumerable<ClinicalItem> items)
    {
        var merged = new List<ClinicalItem>();
        foreach (var group in items.GroupBy(i => (i.Kind, i.Code, i.Kind == ClinicalItemKind.Diagnosis ? null : i.Day)))
        {
            var first = group.First();
            var resource = (DomainResource)first.Resource;
            foreach (var source in group.Select(i => i.Source).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                resource.Extension.Add(new Extension(SourceExtension, new Identifier(KnownJapanSystems.InstitutionCode, source)));
            }

            if (first.NotYetTold)
            {
                resource.Extension.Add(new Extension(NoticeExtension, new FhirString(NotYetToldNotice)));
            }

            merged.Add(first);
        }

        return merged;
    }
}
