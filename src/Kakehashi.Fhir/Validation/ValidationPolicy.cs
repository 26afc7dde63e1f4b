using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Validation;

/// <summary>
/// Decides how a written resource is validated. The most specific setting wins: a rule for one
/// of the profiles the resource declares (the strictest if several match), then a rule for its
/// resource type, then <see cref="DeclaredProfile"/> when it declares any profile, then
/// <see cref="Default"/>.
/// </summary>
public sealed class ValidationPolicy(ValidationMode @default, ValidationMode declaredProfile, IReadOnlyList<ValidationRule> rules)
{
    /// <summary>The shipped default: resources without a declared profile (Synthea, most clinic systems) are stored as they are; a resource claiming a profile must conform to it.</summary>
    public static ValidationPolicy Standard { get; } = new(ValidationMode.Off, ValidationMode.Reject, []);

    public ValidationMode Default { get; } = @default;

    public ValidationMode DeclaredProfile { get; } = declaredProfile;

    public IReadOnlyList<ValidationRule> Rules { get; } = rules;

    public ValidationMode ModeFor(Resource resource)
    {
        var declared = resource.Meta?.Profile?.Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList() ?? [];
        var byProfile = Rules
            .Where(r => r.Profile is not null && declared.Any(p => p == r.Profile || Unversioned(p) == Unversioned(r.Profile)))
            .Select(r => r.Mode)
            .ToList();
        if (byProfile.Count > 0)
        {
            return byProfile.Max();
        }

        if (Rules.FirstOrDefault(r => r.Profile is null && r.ResourceType == resource.TypeName) is { } byType)
        {
            return byType.Mode;
        }

        return declared.Count > 0 ? DeclaredProfile : Default;
    }

    private static string Unversioned(string canonical)
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? canonical : canonical[..bar];
    }
}
