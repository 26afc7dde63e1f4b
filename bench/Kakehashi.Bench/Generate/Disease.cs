namespace Kakehashi.Bench.Generate;

/// <summary>
/// A diagnosis: ICD-10 (2013, the MHLW code system, no dot), MEDIS 病名管理番号 where one was seen
/// in a published example, the drug usually prescribed for it (if any), and labs to follow it.
/// </summary>
public sealed record Disease(string Key, string Name, string Icd10, string IcdDisplay, string? MedisKey, Drug? Drug, bool Chronic, IReadOnlyList<LabTest> FollowUpLabs);
