namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// The typed way to reach the SQL behind a resource transaction. Indexes that security depends
/// on (consent grants, qualifications, the audit trail) are written through it: a transaction
/// without SQL behind it is a wiring error that must fail loudly, never a branch that silently
/// skips the index.
/// </summary>
public static class SqlTransactions
{
    public static ISqlTransaction Sql(this IResourceTransaction transaction) =>
        transaction as ISqlTransaction
        ?? throw new InvalidOperationException($"This needs the SQL transaction behind the resource store; {transaction.GetType().Name} has none (is the store wired without its SQL provider?).");
}
