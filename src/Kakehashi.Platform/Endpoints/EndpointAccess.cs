using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Endpoints;

/// <summary>
/// What a JSON endpoint outside the FHIR API stands for: the audit trail's name for it, and who
/// may call it. Either the FHIR resource types and actions it amounts to (decided as the FHIR
/// guard decides: role policy ∩ SMART scopes), or the roles it is reserved to where the FHIR
/// policy says nothing (the admin API, a patient's own pages), or both.
/// </summary>
public sealed record EndpointAccess
{
    /// <summary>The interaction recorded in the audit trail (<c>eligibility-check</c>, <c>audit-search</c>…).</summary>
    public required string Interaction { get; init; }

    /// <summary>The BALP action code of the audit row: C, R, U, D or E.</summary>
    public required string Action { get; init; }

    /// <summary>What the caller is doing, for refusals: "The role 'nurse' may not {Purpose}."</summary>
    public required string Purpose { get; init; }

    /// <summary>The FHIR types and actions the endpoint amounts to; each must be allowed by the role policy and granted by a scope.</summary>
    public IReadOnlyList<FhirGrant> StandsFor { get; init; } = [];

    /// <summary>When not empty, only these roles may call the endpoint, whatever the FHIR policy says.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>An endpoint that amounts to FHIR access, e.g. <c>CoverageEligibilityRequest</c> with <c>ru</c>.</summary>
    public static EndpointAccess AsFhir(string interaction, string action, string purpose, params FhirGrant[] grants) =>
        new() { Interaction = interaction, Action = action, Purpose = purpose, StandsFor = grants };

    /// <summary>An endpoint outside the FHIR policy, reserved to <paramref name="roles"/>.</summary>
    public static EndpointAccess ForRoles(string interaction, string action, string purpose, params string[] roles) =>
        new() { Interaction = interaction, Action = action, Purpose = purpose, Roles = roles };

    /// <summary>The scope under which writes made while serving the request are attributed to the caller.</summary>
    internal FhirInteraction AsInteraction() =>
        new(InteractionKind.Operation, StandsFor.Count > 0 ? StandsFor[0].ResourceType : null, null, StandsFor.Count > 0 ? StandsFor[0].Actions : "") { Operation = Interaction };
}

/// <summary>A FHIR resource type and the SMART action letters (<c>cruds</c>) an endpoint amounts to on it.</summary>
public sealed record FhirGrant(string ResourceType, string Actions);
