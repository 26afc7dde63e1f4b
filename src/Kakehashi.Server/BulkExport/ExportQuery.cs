using System.Globalization;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Server.BulkExport;

/// <summary>
/// One page of an export: the current, not deleted resources of one type after an id, changed
/// after <c>_since</c> and not after the kick-off, in the compartments the level asks for — and
/// narrowed by the caller's <see cref="AccessRestriction"/> through <see cref="SqlAccessPredicate"/>,
/// the same predicate every search of that caller carries, so an export never holds a resource
/// the caller's search would not find.
/// </summary>
public static class ExportQuery
{
    public const int PageSize = 1000;

    private const string PatientKeyPattern = "'Patient/%'";

    public static SqlStatement Page(ExportJob job, string resourceType, string afterId, AccessRestriction? restriction)
    {
        var statement = new SqlStatement("");
        var where = $"r.resource_type = {statement.Add(resourceType)} AND r.is_deleted = 0 AND r.id > {statement.Add(afterId)}"
                    + $" AND r.last_updated <= {statement.Add(SqlTime.ToMicros(job.TransactionTime))}";
        if (job.Since is { } since)
        {
            where += $" AND r.last_updated > {statement.Add(SqlTime.ToMicros(since))}";
        }

        // A job that names its patients (a Group's members, a patient's own export) holds their compartments only.
        where += job.Level switch
        {
            ExportJob.PatientLevel when job.Patients is null => $" AND r.shard_key LIKE {PatientKeyPattern}",
            ExportJob.PatientLevel or ExportJob.GroupLevel => job.Patients is { Count: > 0 } members
                ? $" AND r.shard_key IN ({string.Join(", ", members.Select(statement.Add))})"
                : " AND 1 = 0",
            _ => "",
        };
        where = SqlAccessPredicate.And(where, restriction, statement, "r");
        statement.Text = "SELECT r.id, r.shard_key, v.data FROM resources r JOIN resource_versions v"
                         + " ON v.resource_type = r.resource_type AND v.id = r.id AND v.version_id = r.version_id"
                         + " WHERE " + where + " ORDER BY r.id LIMIT " + PageSize.ToString(CultureInfo.InvariantCulture);
        return statement;
    }
}
