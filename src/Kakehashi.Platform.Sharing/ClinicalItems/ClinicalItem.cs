using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>One stored clinical item as the views show it.</summary>
/// <param name="Kind">Which of the six (<see cref="ClinicalItemKind"/>).</param>
/// <param name="Resource">The stored resource.</param>
/// <param name="Source">The institution that sent it (the server-stamped author), or null.</param>
/// <param name="Day">Its day in Japan: recorded or onset, result, prescription; null when it states none.</param>
/// <param name="Ended">A diagnosis's end (転帰日), if it has ended.</param>
public sealed record ClinicalItem(string Kind, Resource Resource, string? Source, DateOnly? Day, DateOnly? Ended)
{
    public bool NotYetTold => Resource.Meta?.Tag.Any(t => t.System == KnownJapanSystems.ClinicalIndication && t.Code == KnownJapanSystems.NotYetTold) == true;

    public bool LongTerm => Resource.Meta?.Tag.Any(t => t.System == KnownJapanSystems.ClinicalIndication && t.Code == KnownJapanSystems.LongTermStorage) == true;

    /// <summary>What makes two items from different senders the same (a diagnosis by its code, a result by test and time…).</summary>
    public string Code => Concept?.Coding.FirstOrDefault(c => c.Code is not null) is { } coding ? coding.System + "|" + coding.Code : Concept?.Text ?? Resource.Id ?? "";

    public CodeableConcept? Concept => Resource switch
    {
        Condition c => c.Code,
        Observation o => o.Code,
        AllergyIntolerance a => a.Code,
        MedicationRequest m => m.Medication as CodeableConcept,
        _ => null,
    };
}
