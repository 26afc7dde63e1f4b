using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Validation;

/// <summary>
/// Rules the platform enforces beyond the shipped package versions, each taken from a newer
/// published version of the guide it belongs to, so that data sent today already meets it.
/// They run after profile validation and add errors located at the element concerned.
/// </summary>
public static class PlatformRules
{
    public const string LabResultProfile = "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS";

    public const string LocalLabCodeSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS";

    public static void Apply(Resource resource, OperationOutcome outcome) => Apply(resource, resource.TypeName, outcome);

    private static void Apply(Resource resource, string path, OperationOutcome outcome)
    {
        if (resource is Observation observation)
        {
            CheckLocalLabCode(observation, path, outcome);
        }

        if (resource is Bundle bundle)
        {
            for (var i = 0; i < bundle.Entry.Count; i++)
            {
                if (bundle.Entry[i].Resource is { } entry)
                {
                    Apply(entry, $"{path}.entry[{i}].resource", outcome);
                }
            }
        }
    }

    /// <summary>
    /// JP-CLINS 1.5.3 makes the local lab code (slice <c>localLaboCode</c>) mandatory on lab
    /// results: the receiving side needs the sender's own code beside JLAC10. 1.5.2, which is
    /// shipped, still allows it to be missing.
    /// </summary>
    private static void CheckLocalLabCode(Observation observation, string path, OperationOutcome outcome)
    {
        if (!observation.Meta?.Profile.Contains(LabResultProfile) ?? true)
        {
            return;
        }

        if (observation.Code?.Coding.Any(c => c.System == LocalLabCodeSystem && !string.IsNullOrEmpty(c.Code)) == true)
        {
            return;
        }

        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = OperationOutcome.IssueType.Required,
            Diagnostics = $"A lab result carries the institution's local lab code ({LocalLabCodeSystem}) beside JLAC10: JP-CLINS 1.5.3 makes the slice localLaboCode 1..1.",
            Expression = [path + ".code"],
        });
    }
}
