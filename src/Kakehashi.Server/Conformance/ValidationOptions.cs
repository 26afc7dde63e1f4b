using Kakehashi.Fhir.Validation;

namespace Kakehashi.Server.Conformance;

/// <summary>
/// The <c>Kakehashi:Validation</c> section: validation on write. <see cref="Default"/> applies to
/// resources that declare no profile, <see cref="DeclaredProfile"/> to those that declare one;
/// <see cref="Rules"/> override both for one resource type or one profile.
/// </summary>
public sealed class ValidationOptions
{
    public const string Section = "Kakehashi:Validation";

    public ValidationMode Default { get; set; } = ValidationPolicy.Standard.Default;

    public ValidationMode DeclaredProfile { get; set; } = ValidationPolicy.Standard.DeclaredProfile;

    /// <summary>E.g. <c>[{ "ResourceType": "Patient", "Mode": "Reject" }, { "Profile": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS", "Mode": "Warn" }]</c>.</summary>
    public List<ValidationRuleOptions> Rules { get; set; } = [];

    public ValidationPolicy ToPolicy() =>
        new(Default, DeclaredProfile, [.. Rules.Select(r => new ValidationRule(r.ResourceType, r.Profile, r.Mode))]);
}

/// <summary>One entry of <see cref="ValidationOptions.Rules"/>: a resource type or a profile (canonical URL), and its mode.</summary>
public sealed class ValidationRuleOptions
{
    public string? ResourceType { get; set; }

    public string? Profile { get; set; }

    public ValidationMode Mode { get; set; } = ValidationMode.Reject;
}
