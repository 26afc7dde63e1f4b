namespace Kakehashi.Fhir.Security;

/// <summary>
/// What a search may return, set by the access guard and honoured by the search engine
/// before any SQL runs — for the matches, for <c>_include</c>/<c>_revinclude</c>, inside
/// chains and <c>_has</c>, and for <c>_total</c> — so that no result, count or error reveals
/// data the caller may not see. Every stored row carries its patient compartment in
/// <c>shard_key</c> (<c>Patient/{id}</c>, or the resource's own <c>Type/id</c> when it belongs
/// to no patient), which is what the conditions below are expressed on.
/// </summary>
public sealed record AccessRestriction
{
    /// <summary>
    /// When set, only resources whose <c>shard_key</c> is one of these (<c>Patient/{id}</c>)
    /// or that belong to no patient compartment at all.
    /// </summary>
    public IReadOnlyList<string>? PatientCompartments { get; init; }

    /// <summary>When set, resources of a patient only if that patient's consent covers them.</summary>
    public ConsentRequirement? Consent { get; init; }
}

/// <summary>
/// Patient data of type T is visible only when a row of <c>consent_grants</c> exists with
/// <c>patient_key = shard_key</c>, <c>organization_code = OrganizationCode</c>,
/// <c>category = CategoryByType[T]</c> and <c>valid_from &lt;= At &lt; valid_until</c>
/// (microseconds since the epoch), or when <c>shard_key</c> is in <see cref="EmergencyCompartments"/>.
/// Types absent from <see cref="CategoryByType"/> need no consent.
/// </summary>
public sealed record ConsentRequirement(
    string OrganizationCode,
    IReadOnlyDictionary<string, string> CategoryByType,
    DateTimeOffset At)
{
    /// <summary>Patients under an active break-the-glass grant for this caller.</summary>
    public IReadOnlyList<string> EmergencyCompartments { get; init; } = [];
}
