using System.Data.Common;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The SQL connection and transaction behind an <see cref="IResourceTransaction"/>, so that
/// rows which must commit or roll back with the resources (the audit trail) are written in
/// the same database transaction.
/// </summary>
public interface ISqlTransaction
{
    SqlDialect Dialect { get; }

    DbConnection Connection { get; }

    DbTransaction Transaction { get; }
}
