using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>
/// One stored clinical item as the views window and merge it, without its resource: what the
/// <c>sharing_items</c> row keeps (<see cref="ClinicalItemIndex"/>).
/// </summary>
/// <param name="Kind">Which of the six (<see cref="ClinicalItemKind"/>).</param>
/// <param name="ResourceType">The stored resource's type.</param>
/// <param name="Id">The stored resource's id.</param>
/// <param name="Code">What makes two senders' items the same (a diagnosis by its code, a result by its test…).</param>
/// <param name="Label">One line of text: the item's name, and for a result its value.</param>
/// <param name="Day">Its day in Japan: recorded or onset, result, prescription; the day it was stored when it states none.</param>
/// <param name="Ended">A diagnosis's end (転帰日), if it has ended.</param>
/// <param name="Source">The institution that sent it (the server-stamped author), or null.</param>
/// <param name="NotYetTold">未告知: hidden from the patient, shown to others with a notice.</param>
/// <param name="LongTerm">長期保存: kept beyond retention.</param>
public sealed record ClinicalItem(string Kind, string ResourceType, string Id, string Code, string Label, DateOnly? Day, DateOnly? Ended, string? Source, bool NotYetTold, bool LongTerm)
{
    public string Key => ResourceType + "/" + Id;

    /// <summary>The item a stored resource is, or null when it carries no clinical-item tag.</summary>
    public static ClinicalItem? Of(Resource resource, DateTimeOffset stored)
    {
        if (ClinicalItemKind.Recorded(resource) is not { } kind || resource.Id is not { } id)
        {
            return null;
        }

        var concept = resource switch
        {
            Condition c => c.Code,
            Observation o => o.Code,
            AllergyIntolerance a => a.Code,
            MedicationRequest m => m.Medication as CodeableConcept,
            _ => null,
        };
        var code = concept?.Coding.FirstOrDefault(c => c.Code is not null) is { } coding ? coding.System + "|" + coding.Code : concept?.Text ?? id;
        var name = concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? concept?.Coding.FirstOrDefault()?.Code ?? "";
        var label = resource is Observation { Value: Quantity q } ? $"{name} {q.Value} {q.Unit}" : name;
        bool Flagged(string flag) => resource.Meta?.Tag.Any(t => t.System == KnownJapanSystems.ClinicalIndication && t.Code == flag) == true;
        return new ClinicalItem(
            kind, resource.TypeName, id, code, label, ViewingWindows.Day(resource, stored), ViewingWindows.Ended(resource),
            resource.Meta?.Tag.FirstOrDefault(t => t.System == SqlAccessPredicate.AuthorTagSystem)?.Code,
            Flagged(KnownJapanSystems.NotYetTold), Flagged(KnownJapanSystems.LongTermStorage));
    }
}
