using Kakehashi.Fhir.Security;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Renders an <see cref="AccessRestriction"/> as a SQL predicate over one row of
/// <c>resources</c> or <c>resource_versions</c> (both carry <c>resource_type</c>, <c>id</c> and
/// <c>shard_key</c>). The search engine ANDs it wherever such a row enters a query — matches,
/// chain targets, <c>_has</c> sources, includes, counts, history — so hidden data never reaches
/// a result, a total or a join, and the query plan does not depend on what is hidden.
/// </summary>
public static class SqlAccessPredicate
{
    /// <summary>The tag a care organization's writes carry, so that it always sees what it wrote.</summary>
    public const string AuthorTagSystem = "http://kakehashi.jp/fhir/CodeSystem/author-organization";

    private const string PatientKeyPattern = "'Patient/%'";

    /// <summary>A predicate over <paramref name="alias"/>, or null when nothing is restricted.</summary>
    public static string? Visible(AccessRestriction? restriction, SqlStatement statement, string alias)
    {
        if (restriction is null)
        {
            return null;
        }

        var parts = new List<string>();
        if (restriction.PatientCompartments is { } compartments)
        {
            var own = compartments.Count == 0 ? "1 = 0" : $"{alias}.shard_key IN ({string.Join(", ", compartments.Select(statement.Add))})";
            var nobodys = $"{alias}.shard_key NOT LIKE {PatientKeyPattern}";
            if (restriction.CompartmentOnlyTypes.Count > 0)
            {
                nobodys = $"({nobodys} AND {alias}.resource_type NOT IN ({string.Join(", ", restriction.CompartmentOnlyTypes.Select(statement.Add))}))";
            }

            parts.Add($"({own} OR {nobodys})");
        }

        if (restriction.Consent is { } consent)
        {
            parts.Add(Consented(consent, restriction.Relationships, statement, alias));
        }
        else if (restriction.Relationships.Count > 0)
        {
            parts.Add(Related(restriction.Relationships, statement, alias));
        }

        parts.AddRange(restriction.HiddenTags.Select(tag =>
            $"NOT EXISTS (SELECT 1 FROM idx_token x WHERE x.resource_type = {alias}.resource_type AND x.id = {alias}.id"
            + $" AND x.param = '_tag' AND x.system = {statement.Add(tag.System)} AND x.code = {statement.Add(tag.Code)})"));

        return parts.Count == 0 ? null : "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary><paramref name="where"/> with the predicate ANDed, if there is one.</summary>
    public static string And(string where, AccessRestriction? restriction, SqlStatement statement, string alias) =>
        Visible(restriction, statement, alias) is { } visible ? where + " AND " + visible : where;

    private static string Consented(ConsentRequirement consent, IReadOnlyList<RelationshipRequirement> relationships, SqlStatement statement, string alias)
    {
        var options = new List<string>
        {
            $"{alias}.shard_key NOT LIKE {PatientKeyPattern}",
        };
        if (consent.NotClinicalTypes.Count > 0)
        {
            options.Add($"{alias}.resource_type IN ({string.Join(", ", consent.NotClinicalTypes.Order(StringComparer.Ordinal).Select(statement.Add))})");
        }

        if (consent.EmergencyCompartments.Count > 0)
        {
            options.Add($"{alias}.shard_key IN ({string.Join(", ", consent.EmergencyCompartments.Select(statement.Add))})");
        }

        var types = consent.CategoryByType.Keys.Order(StringComparer.Ordinal).ToList();
        if (types.Count > 0)
        {
            // A type no category names has no WHEN: the CASE is NULL and no grant matches it.
            var at = statement.Add(SqlTime.ToMicros(consent.At));
            var category = "CASE " + alias + ".resource_type " +
                string.Join(" ", types.Select(t => $"WHEN {statement.Add(t)} THEN {statement.Add(consent.CategoryByType[t])}")) + " END";
            options.Add($"EXISTS (SELECT 1 FROM {consent.GrantTable} g WHERE g.organization_code = {statement.Add(consent.OrganizationCode)}"
                + $" AND g.category = {category} AND g.patient_key = {alias}.shard_key AND g.valid_from <= {at} AND g.valid_until > {at})");
        }

        options.AddRange(relationships.Select(r => RelatedBy(r, statement, alias)));
        options.AddRange(relationships.Select(r => r.AuthorOrganization).Append(consent.OrganizationCode).Distinct(StringComparer.Ordinal).Select(o => AuthoredBy(o, statement, alias)));
        return "(" + string.Join(" OR ", options) + ")";
    }

    private static string Related(IReadOnlyList<RelationshipRequirement> relationships, SqlStatement statement, string alias)
    {
        var options = new List<string> { $"{alias}.shard_key NOT LIKE {PatientKeyPattern}" };
        options.AddRange(relationships.Select(r => RelatedBy(r, statement, alias)));
        options.AddRange(relationships.Select(r => r.AuthorOrganization).Distinct(StringComparer.Ordinal).Select(o => AuthoredBy(o, statement, alias)));
        return "(" + string.Join(" OR ", options) + ")";
    }

    private static string RelatedBy(RelationshipRequirement relationship, SqlStatement statement, string alias)
    {
        // shard_key is 'Patient/' + id: the id starts at the 9th character (1-based in both dialects).
        var organizations = string.Join(", ", relationship.Organizations.Select(statement.Add));
        return $"EXISTS (SELECT 1 FROM {relationship.Table} rel WHERE rel.{relationship.PatientColumn} = substr({alias}.shard_key, 9)"
            + $" AND rel.{relationship.OrganizationColumn} IN ({organizations}))";
    }

    private static string AuthoredBy(string organization, SqlStatement statement, string alias) =>
        $"EXISTS (SELECT 1 FROM idx_token w WHERE w.resource_type = {alias}.resource_type AND w.id = {alias}.id"
            + $" AND w.param = '_tag' AND w.system = {statement.Add(AuthorTagSystem)} AND w.code = {statement.Add(organization)})";
}
