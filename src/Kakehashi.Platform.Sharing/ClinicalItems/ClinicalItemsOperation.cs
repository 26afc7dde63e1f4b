using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// <c>GET Patient/[id]/$clinical-items[?kind=diagnosis,lab…]</c>: the patient's six clinical items
/// from every institution as a <c>searchset</c> Bundle (<see cref="SharedItemsView"/>). Named after
/// its consent category, so the patient's access log says what was viewed.
/// </summary>
public sealed class ClinicalItemsOperation(SharedItemsView view) : IFhirOperation
{
    public const string OperationName = "clinical-items";

    public string Name => OperationName;

    public OperationAccess Access => OperationAccess.OwnRecord;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-clinical-items";

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var kinds = Kinds(request.Parameters);
        var items = (await view.ReadAsync(request, "clinical items (6情報)", kinds, null, cancellationToken)).Items;
        var http = request.Http;
        var result = new BundleResult { Type = Bundle.BundleType.Searchset, Total = items.Count };
        result.Links.Add(("self", $"{http.BaseUrl}/Patient/{request.Id}/${Name}" + (kinds.Count == ClinicalItemKind.All.Count ? "" : "?kind=" + string.Join(",", kinds))));
        foreach (var item in items)
        {
            result.Entries.Add(new BundleResultEntry { FullUrl = $"{http.BaseUrl}/{item.Item.Key}", Stored = item.Shown, SearchMode = Bundle.SearchEntryMode.Match });
        }

        return new FhirResponse { Bundle = result };
    }

    private static IReadOnlyList<string> Kinds(Parameters parameters)
    {
        var named = parameters.Parameter.Where(p => p.Name == "kind").SelectMany(p => (p.Value?.ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (named.Count == 0)
        {
            return ClinicalItemKind.All;
        }

        var unknown = named.FirstOrDefault(k => !ClinicalItemKind.All.Contains(k));
        return unknown is null
            ? [.. named.Distinct(StringComparer.Ordinal)]
            : throw FhirException.BadRequest($"Unknown kind '{unknown}'; the kinds are {string.Join(", ", ClinicalItemKind.All)}.", "kind");
    }
}
