using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// A patient's clinical items as every view shows them: from all institutions, within the viewing
/// windows, the same item sent by several institutions shown once with each source named
/// (extension <see cref="SourceExtension"/>), a 未告知 diagnosis left out for the patient and
/// marked with a notice for everyone else. Windows and merging work on the items' rows; only the
/// resources shown are read, and their stored JSON is amended without a FHIR parse.
/// </summary>
public sealed class SharedItemsView(IResourceStore store, SharingAccess access, ClinicalItemsReader reader, ViewingWindows windows)
{
    public const string SourceExtension = "http://kakehashi.jp/fhir/StructureDefinition/source-institution";
    public const string NoticeExtension = "http://kakehashi.jp/fhir/StructureDefinition/sharing-notice";
    public const string NotYetToldNotice = "未告知：この傷病名は患者本人にまだ告知されていません（本人の画面には表示されません）。";

    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Authorizes the caller for the patient, then reads and shapes the items of <paramref name="kinds"/>.</summary>
    public async Task<SharedItems> ReadAsync(
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

        var shown = windows.Shown(await reader.ReadAsync(id, kinds, request.Transaction, cancellationToken));
        var groups = Merge(viewer == SharingViewer.Patient ? shown.Where(i => !i.NotYetTold) : shown);
        var resources = await reader.LoadAsync(groups.Select(g => g.First), request.Transaction, cancellationToken);
        var items = new List<SharedItem>(groups.Count);
        foreach (var (first, sources) in groups)
        {
            if (resources.TryGetValue(first.Key, out var stored))
            {
                items.Add(new SharedItem(first, sources, stored with { Json = Amended(stored.Json, sources, first.NotYetTold) }));
            }
        }

        return new SharedItems(viewer, patient, items);
    }

    // One entry per item; the same item from several senders (kind, code and day alike) once, naming each.
    private static List<(ClinicalItem First, IReadOnlyList<string> Sources)> Merge(IEnumerable<ClinicalItem> items) =>
        [.. items.GroupBy(i => (i.Kind, i.Code, i.Kind == ClinicalItemKind.Diagnosis ? null : i.Day))
            .Select(g => (g.First(), (IReadOnlyList<string>)[.. g.Select(i => i.Source).OfType<string>().Distinct(StringComparer.Ordinal)]))];

    private static byte[] Amended(byte[] json, IReadOnlyList<string> sources, bool notYetTold)
    {
        var resource = JsonNode.Parse(json)!.AsObject();
        if (resource["extension"] is not JsonArray extensions)
        {
            resource["extension"] = extensions = [];
        }

        foreach (var source in sources)
        {
            extensions.Add(new JsonObject
            {
                ["url"] = SourceExtension,
                ["valueIdentifier"] = new JsonObject { ["system"] = KnownJapanSystems.InstitutionCode, ["value"] = source },
            });
        }

        if (notYetTold)
        {
            extensions.Add(new JsonObject { ["url"] = NoticeExtension, ["valueString"] = NotYetToldNotice });
        }

        return JsonSerializer.SerializeToUtf8Bytes(resource, Output);
    }
}

/// <summary>What a view shows: who asked, the patient's stored resource, the items newest first within each kind.</summary>
public sealed record SharedItems(SharingViewer Viewer, StoredResource Patient, IReadOnlyList<SharedItem> Items);
