namespace Kakehashi.Fhir.Search;

/// <summary>
/// Membership of a compartment (<c>Patient/123/Observation</c>, <c>$everything</c>): a resource of
/// one of the <paramref name="Members"/> types whose listed reference parameters point at
/// <paramref name="CompartmentType"/>/<paramref name="CompartmentId"/>, or — when
/// <paramref name="IncludesOwner"/> — the compartment's own resource.
/// </summary>
public sealed record CompartmentCondition(
    string CompartmentType,
    string CompartmentId,
    IReadOnlyList<CompartmentMember> Members,
    bool IncludesOwner) : SearchCondition;

/// <summary>A resource type in a compartment and the reference parameters that place it there.</summary>
public sealed record CompartmentMember(string ResourceType, IReadOnlyList<string> Params);
