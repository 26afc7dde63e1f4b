namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The engine's tables as a capability's own SQL joins them — the one place outside the store
/// where their names and columns are spelled. A service keeps its own index tables (migrated by
/// its module) keyed by resource id, and joins them to the resources they index through these
/// fragments, so that it never depends on the layout of <c>resources</c>,
/// <c>resource_versions</c> or the <c>idx_*</c> tables, and the engine may change that layout.
/// Arguments are names chosen by server code (aliases, FHIR type names, column expressions of the
/// caller's own tables), never values: values go in parameters.
/// </summary>
public static class SqlResourceTables
{
    /// <summary><c>JOIN</c> the current row of a live (not deleted) <paramref name="type"/> whose id is <paramref name="idExpression"/>, as <paramref name="alias"/>.</summary>
    public static string JoinLive(string alias, string type, string idExpression) =>
        $"JOIN resources {Alias(alias)} ON {alias}.resource_type = '{Type(type)}' AND {alias}.id = {idExpression} AND {alias}.is_deleted = 0";

    /// <summary><c>LEFT JOIN</c> the current row of <paramref name="type"/>, deleted or not; read its state with <see cref="Deleted"/>.</summary>
    public static string LeftJoinCurrent(string alias, string type, string idExpression) =>
        $"LEFT JOIN resources {Alias(alias)} ON {alias}.resource_type = '{Type(type)}' AND {alias}.id = {idExpression}";

    /// <summary><c>LEFT JOIN</c> the stored JSON of the current version of the row <paramref name="currentAlias"/>; read it with <see cref="Json"/>.</summary>
    public static string LeftJoinCurrentJson(string alias, string currentAlias) =>
        $"LEFT JOIN resource_versions {Alias(alias)} ON {alias}.resource_type = {Alias(currentAlias)}.resource_type AND {alias}.id = {currentAlias}.id AND {alias}.version_id = {currentAlias}.version_id";

    /// <summary>The stored JSON (UTF-8 bytes) of a version joined by <see cref="LeftJoinCurrentJson"/>.</summary>
    public static string Json(string alias) => Alias(alias) + ".data";

    /// <summary>The table of current rows, as <paramref name="alias"/>, to select from; narrow it with <see cref="IsRow"/>.</summary>
    public static string CurrentRows(string alias) => "resources " + Alias(alias);

    /// <summary>A condition: the current row <paramref name="alias"/> is the <paramref name="type"/> whose id is <paramref name="idExpression"/>.</summary>
    public static string IsRow(string alias, string type, string idExpression) =>
        $"{Alias(alias)}.resource_type = '{Type(type)}' AND {alias}.id = {idExpression}";

    /// <summary>A column: 1 when the row joined as <paramref name="alias"/> is a deletion, 0 when live, NULL when there is none.</summary>
    public static string Deleted(string alias) => Alias(alias) + ".is_deleted";

    /// <summary>A condition: the <paramref name="type"/> whose id is <paramref name="idExpression"/> has been deleted.</summary>
    public static string IsDeletedSql(string type, string idExpression) =>
        $"EXISTS (SELECT 1 FROM resources deleted_row WHERE deleted_row.resource_type = '{Type(type)}' AND deleted_row.id = {idExpression} AND deleted_row.is_deleted <> 0)";

    /// <summary>
    /// A sub-query of the ids of live <paramref name="type"/> resources whose search parameter
    /// <paramref name="parameter"/> (a token) has system <paramref name="systemParameter"/> and a code in
    /// <paramref name="codeParameters"/> (statement parameters such as <c>@p0</c>).
    /// </summary>
    public static string LiveIdsWithToken(string type, string parameter, string systemParameter, params string[] codeParameters) =>
        $"SELECT t.id FROM idx_token t JOIN resources live ON live.resource_type = t.resource_type AND live.id = t.id AND live.is_deleted = 0 " +
        $"WHERE t.resource_type = '{Type(type)}' AND t.param = '{Name(parameter)}' AND t.system = {systemParameter} AND t.code IN ({string.Join(", ", codeParameters)})";

    /// <summary><c>LEFT JOIN</c> the codes of token parameter <paramref name="parameter"/> with system <paramref name="systemParameter"/> of the row <paramref name="currentAlias"/>; read them with <see cref="TokenCode"/>.</summary>
    public static string LeftJoinTokenCodes(string alias, string currentAlias, string parameter, string systemParameter) =>
        $"LEFT JOIN idx_token {Alias(alias)} ON {alias}.resource_type = {Alias(currentAlias)}.resource_type AND {alias}.id = {currentAlias}.id AND {alias}.param = '{Name(parameter)}' AND {alias}.system = {systemParameter}";

    /// <summary>The code column of a token joined by <see cref="LeftJoinTokenCodes"/>.</summary>
    public static string TokenCode(string alias) => Alias(alias) + ".code";

    private static string Alias(string alias) => Security.SqlIdentifier.RequirePlain(alias, nameof(alias));

    private static string Type(string type) => type.Length > 0 && type.All(char.IsAsciiLetter)
        ? type
        : throw new ArgumentException($"'{type}' is not a FHIR resource type.", nameof(type));

    private static string Name(string parameter) => parameter.Length > 0 && parameter.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
        ? parameter
        : throw new ArgumentException($"'{parameter}' is not a search parameter name.", nameof(parameter));
}
