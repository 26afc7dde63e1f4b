using System.Text.Json;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The role × resource × action policy (docs/security/policy.md), loaded from JSON:
/// <c>groups</c> name sets of resource types, <c>roles</c> map a group, a type or <c>*</c> to the
/// SMART action letters allowed (<c>cruds</c>); anything not listed is denied.
/// <c>patientCompartment</c> names, per type, the search parameter that ties a resource to its
/// patient: the patient portal role sees only its own compartment, and only these types.
/// </summary>
public sealed class AccessPolicy
{
    private readonly Dictionary<string, Dictionary<string, string>> roles;

    private PolicyDescription description = new(new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, IReadOnlyDictionary<string, string>>(), new Dictionary<string, IReadOnlyList<string>>(), []);

    /// <summary>The policy as written (groups by name, not expanded): the administrator's readable table.</summary>
    public PolicyDescription Describe() => description;

    private AccessPolicy(Dictionary<string, Dictionary<string, string>> roles, IReadOnlyDictionary<string, string> patientCompartment, IReadOnlyDictionary<string, string> consentCategoryByType, IReadOnlyList<string> notClinical)
    {
        this.roles = roles;
        NotClinicalTypes = notClinical;
        PatientCompartment = patientCompartment;
        StoredCompartmentTypes = [.. patientCompartment.Where(p => p.Value == StoredCompartment).Select(p => p.Key).Order(StringComparer.Ordinal)];
        ConsentCategoryByType = consentCategoryByType;
    }

    /// <summary>
    /// The <c>patientCompartment</c> value of a type whose patient the server derives on write
    /// (a document Bundle: its Composition's subject) rather than a search parameter: the portal
    /// sees such a type only inside its own compartment, enforced in SQL.
    /// </summary>
    public const string StoredCompartment = "_compartment";

    public IReadOnlyDictionary<string, string> PatientCompartment { get; }

    /// <summary>The types whose <c>patientCompartment</c> is <see cref="StoredCompartment"/>.</summary>
    public IReadOnlyList<string> StoredCompartmentTypes { get; }

    /// <summary>
    /// <c>consentCategories</c>: the consent category that covers each type of patient data
    /// (docs/security/consent.md). A type of patient data in no category is opened by no consent.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConsentCategoryByType { get; }

    /// <summary>
    /// <c>notClinical</c>: the only types of a patient's record that consent does not bind
    /// (demographics, qualifications, consent itself). Consent binding is closed by default:
    /// every other type in a patient's compartment needs consent.
    /// </summary>
    public IReadOnlyList<string> NotClinicalTypes { get; }

    public bool IsConsentBound(string resourceType) => !NotClinicalTypes.Contains(resourceType, StringComparer.Ordinal);

    public IEnumerable<string> Roles => roles.Keys;

    /// <summary>Types the audit log and the server itself own: nobody writes them through the FHIR API.</summary>
    public static bool IsServerOwned(string resourceType) => resourceType is "AuditEvent";

    public bool Allows(string role, string resourceType, char action)
    {
        if (action != 'r' && action != 's' && IsServerOwned(resourceType))
        {
            return false;
        }

        return roles.TryGetValue(role, out var types) && types.TryGetValue(resourceType, out var actions) && actions.Contains(action, StringComparison.Ordinal);
    }

    /// <summary>The role may do <paramref name="action"/> on every resource type (a <c>*</c> grant).</summary>
    public bool AllowsAll(string role, char action) =>
        roles.TryGetValue(role, out var types) && types.TryGetValue("*", out var actions) && actions.Contains(action, StringComparison.Ordinal);

    public static AccessPolicy Load(string? path)
    {
        if (!string.IsNullOrWhiteSpace(path))
        {
            return Parse(File.ReadAllText(path));
        }

        using var stream = typeof(AccessPolicy).Assembly.GetManifestResourceStream("Kakehashi.Platform.Security.policy.json")
            ?? throw new InvalidOperationException("The built-in access policy is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static AccessPolicy Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var groups = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var group in root.GetProperty("groups").EnumerateObject())
        {
            groups[group.Name] = [.. group.Value.EnumerateArray().Select(t => t.GetString()!)];
        }

        var roles = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var description = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var role in root.GetProperty("roles").EnumerateObject())
        {
            if (!KnownRoles.All.Contains(role.Name))
            {
                throw new InvalidOperationException($"The access policy names an unknown role '{role.Name}'.");
            }

            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            var written = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var grant in role.Value.EnumerateObject())
            {
                var actions = grant.Value.GetString() ?? "";
                written[grant.Name] = actions;
                if (actions.Any(c => !SmartScope.Letters.Contains(c, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"The access policy gives role '{role.Name}' unknown actions '{actions}' (use the letters cruds).");
                }

                var targets = grant.Name == "*" ? ["*"] : groups.TryGetValue(grant.Name, out var members) ? members : [grant.Name];
                foreach (var target in targets)
                {
                    if (target != "*" && !Hl7.Fhir.Model.ModelInfo.IsKnownResource(target))
                    {
                        throw new InvalidOperationException($"The access policy names an unknown resource type or group '{target}'.");
                    }

                    types[target] = new string([.. (types.GetValueOrDefault(target, "") + actions).Distinct()]);
                }
            }

            if (types.TryGetValue("*", out var all))
            {
                foreach (var type in Hl7.Fhir.Model.ModelInfo.SupportedResources)
                {
                    types[type] = new string([.. (types.GetValueOrDefault(type, "") + all).Distinct()]);
                }
            }

            roles[role.Name] = types;
            description[role.Name] = written;
        }

        var compartment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("patientCompartment", out var map))
        {
            foreach (var entry in map.EnumerateObject())
            {
                compartment[entry.Name] = entry.Value.GetString()!;
            }
        }

        var consent = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("consentCategories", out var categories))
        {
            foreach (var category in categories.EnumerateObject())
            {
                if (!Consent.ConsentCategories.All.Contains(category.Name))
                {
                    throw new InvalidOperationException($"The access policy names an unknown consent category '{category.Name}' (use {string.Join(", ", Consent.ConsentCategories.All)}).");
                }

                foreach (var type in category.Value.EnumerateArray().Select(t => t.GetString()!))
                {
                    if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type) || !consent.TryAdd(type, category.Name))
                    {
                        throw new InvalidOperationException($"The access policy's consent category '{category.Name}' names '{type}', which is not a resource type or already has a category.");
                    }
                }
            }
        }

        var notClinical = root.TryGetProperty("notClinical", out var exempt) ? exempt.EnumerateArray().Select(t => t.GetString()!).ToList() : [];
        foreach (var type in notClinical)
        {
            if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type) || consent.ContainsKey(type))
            {
                throw new InvalidOperationException($"The access policy's notClinical list names '{type}', which is not a resource type or has a consent category.");
            }
        }

        return new AccessPolicy(roles, compartment, consent, [.. notClinical.Distinct().Order(StringComparer.Ordinal)])
        {
            description = new PolicyDescription(
                groups.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value, StringComparer.Ordinal),
                description.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, string>)r.Value, StringComparer.Ordinal),
                consent.GroupBy(c => c.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(c => c.Key).Order(StringComparer.Ordinal)], StringComparer.Ordinal),
                [.. notClinical.Distinct().Order(StringComparer.Ordinal)]),
        };
    }
}

/// <summary>The role policy as its file states it: groups of types, each role's grants (group or type → actions), what each consent category opens.</summary>
public sealed record PolicyDescription(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Groups,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Roles,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ConsentCategories,
    IReadOnlyList<string> NotClinical);
