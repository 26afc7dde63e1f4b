using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Search.Compartments;

/// <summary>
/// The R4 compartments (Patient, Encounter, RelatedPerson, Practitioner, Device) as search
/// conditions, for compartment search (<c>GET Patient/123/Observation</c>) and <c>$everything</c>.
/// </summary>
public static class CompartmentDefinitions
{
    private const string Self = "{def}";

    public static bool IsCompartmentType(string type) => CompartmentTable.R4.ContainsKey(type);

    /// <summary>The resource types a compartment can hold.</summary>
    public static IReadOnlyList<string> MemberTypes(string compartmentType) =>
        CompartmentTable.R4.TryGetValue(compartmentType, out var members) ? [.. members.Keys] : [];

    /// <summary>
    /// The condition selecting the members of <paramref name="compartmentType"/>/<paramref name="id"/>,
    /// limited to <paramref name="resourceTypes"/> when given. A type that cannot be in the
    /// compartment is a 400, as is a compartment that R4 does not define.
    /// </summary>
    public static CompartmentCondition For(string compartmentType, string id, IReadOnlyCollection<string>? resourceTypes)
    {
        if (!CompartmentTable.R4.TryGetValue(compartmentType, out var table))
        {
            throw FhirException.BadRequest($"{compartmentType} is not a compartment; R4 defines Patient, Encounter, RelatedPerson, Practitioner and Device.");
        }

        var wanted = resourceTypes is null || resourceTypes.Count == 0 ? table.Keys : resourceTypes;
        var members = new List<CompartmentMember>();
        var includesOwner = false;
        foreach (var type in wanted)
        {
            if (!table.TryGetValue(type, out var parameters))
            {
                throw FhirException.BadRequest($"{type} resources are not in the {compartmentType} compartment.");
            }

            // The compartment's own resource is in it: "{def}" for most, and Patient lists only "link".
            includesOwner |= type == compartmentType;
            var references = parameters.Where(p => p != Self).ToList();
            if (references.Count > 0)
            {
                members.Add(new CompartmentMember(type, references));
            }
        }

        return new CompartmentCondition(compartmentType, id, members, includesOwner);
    }
}
