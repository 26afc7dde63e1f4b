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

    /// <summary>
    /// With <see cref="PatientCompartments"/>: types visible only inside those compartments, never
    /// as data of no patient — Bundle, of which only documents belong to a patient (a patient
    /// must not read other stored Bundles either).
    /// </summary>
    public IReadOnlyList<string> CompartmentOnlyTypes { get; init; } = [];

    /// <summary>When set, resources of a patient only if that patient's consent covers them.</summary>
    public ConsentRequirement? Consent { get; init; }

    /// <summary>
    /// Standing relationships of the caller's organization to patients (an insurer's insured, a
    /// pharmacy's prescriptions…), each contributed by the capability that records it. With
    /// <see cref="Consent"/>, each is one more way a patient's data becomes visible; without it,
    /// they are the only ways.
    /// </summary>
    public IReadOnlyList<RelationshipRequirement> Relationships { get; init; } = [];

    /// <summary>
    /// Tags (<c>meta.tag</c> system and code) whose resources the caller never sees, whatever else
    /// opens them: a diagnosis the doctor has not yet told the patient (未告知) is hidden from that
    /// patient alone.
    /// </summary>
    public IReadOnlyList<HiddenTag> HiddenTags { get; init; } = [];
}

/// <summary>A <c>meta.tag</c> that hides a resource from the caller of an <see cref="AccessRestriction"/>.</summary>
public sealed record HiddenTag(string System, string Code);

/// <summary>
/// Closed by default: patient data (a row whose <c>shard_key</c> is a patient's) of type T is
/// visible only when a row of <see cref="GrantTable"/> (kept by the server's consent capability,
/// not by the engine) exists with <c>patient_key = shard_key</c>,
/// <c>organization_code = OrganizationCode</c>, <c>category = CategoryByType[T]</c> and
/// <c>valid_from &lt;= At &lt; valid_until</c> (microseconds since the epoch), when
/// <c>shard_key</c> is in <see cref="EmergencyCompartments"/>, or when the organization wrote it.
/// Only the <see cref="NotClinicalTypes"/> need no consent; a type of patient data that no
/// category names can be opened by no consent at all.
/// </summary>
public sealed record ConsentRequirement(
    string GrantTable,
    string OrganizationCode,
    IReadOnlyDictionary<string, string> CategoryByType,
    DateTimeOffset At)
{
    /// <summary>Rendered into SQL: only a plain identifier chosen by server code.</summary>
    public string GrantTable { get; } = SqlIdentifier.RequirePlain(GrantTable, nameof(GrantTable));

    /// <summary>Patients under an active break-the-glass grant for this caller.</summary>
    public IReadOnlyList<string> EmergencyCompartments { get; init; } = [];

    /// <summary>Types of a patient's record that are not clinical (demographics, qualifications, consent itself): no consent needed.</summary>
    public IReadOnlyList<string> NotClinicalTypes { get; init; } = [];
}

/// <summary>
/// Patient data is visible only for patients with whom the caller's organization stands in a
/// standing relationship recorded by a capability of the server (an insurer and its insured
/// persons): a row of <see cref="Table"/> whose <see cref="PatientColumn"/> is the patient's id
/// and whose <see cref="OrganizationColumn"/> is one of <see cref="Organizations"/> — or data the
/// organization wrote itself (its author tag <see cref="AuthorOrganization"/>).
/// </summary>
public sealed record RelationshipRequirement
{
    public RelationshipRequirement(string table, string patientColumn, string organizationColumn, IReadOnlyList<string> organizations, string authorOrganization)
    {
        // The names are rendered into SQL: only plain identifiers chosen by server code.
        foreach (var name in (string[])[table, patientColumn, organizationColumn])
        {
            SqlIdentifier.RequirePlain(name, nameof(table));
        }

        if (organizations.Count == 0)
        {
            throw new ArgumentException("A relationship names at least one organization value.", nameof(organizations));
        }

        (Table, PatientColumn, OrganizationColumn, Organizations, AuthorOrganization) = (table, patientColumn, organizationColumn, organizations, authorOrganization);
    }

    public string Table { get; }

    /// <summary>Holds the bare patient id (without <c>Patient/</c>).</summary>
    public string PatientColumn { get; }

    public string OrganizationColumn { get; }

    /// <summary>The organization's identifier as the table may hold it (several spellings of one number).</summary>
    public IReadOnlyList<string> Organizations { get; }

    public string AuthorOrganization { get; }
}

/// <summary>Names that restrictions render into SQL.</summary>
internal static class SqlIdentifier
{
    public static string RequirePlain(string name, string parameter) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or '_' or (>= '0' and <= '9'))
            ? name
            : throw new ArgumentException($"'{name}' is not a plain SQL identifier.", parameter);
}
