using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// One entry of a view: the item, every institution that sent it, and its resource as shown
/// (the stored JSON with the source institutions and any notice added).
/// </summary>
public sealed record SharedItem(ClinicalItem Item, IReadOnlyList<string> Sources, StoredResource Shown);
