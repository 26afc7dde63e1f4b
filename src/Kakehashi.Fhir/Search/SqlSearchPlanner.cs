using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Chooses the condition that drives a search. Every condition with a set form (see
/// <see cref="SqlConditionBuilder.CanDrive"/>) is counted from its index, up to
/// <see cref="DriverLimit"/> rows; the smallest drives the query when it is under the limit, and
/// the others are tested on the rows it yields. When every set is larger, matches are dense
/// enough that walking the resources in result order and testing each is cheaper, so nothing
/// drives. A set of size zero answers the search without running it. Counting first, rather
/// than leaving the choice to the database, matters on SQLite, whose planner assumes every
/// <c>IN (subquery)</c> is small and has no statistics on the values; PostgreSQL plans either
/// shape well and pays one bounded index read per candidate.
/// </summary>
internal static class SqlSearchPlanner
{
    /// <summary>Above this many rows a set is no longer cheaper than scanning in result order.</summary>
    public const int DriverLimit = 2000;

    public static async Task<SqlSearchPlan> PlanAsync(SearchQuery query, ISqlExecutor executor, CancellationToken cancellationToken)
    {
        if (query.Conditions.OfType<IdCondition>().FirstOrDefault() is { } ids)
        {
            // A primary-key lookup beats any index.
            return new SqlSearchPlan(ids, IsEmpty: false);
        }

        var owner = new SqlOwner("r", SqlConditionBuilder.OwnerTypes(query));
        SearchCondition? best = null;
        var bestCount = long.MaxValue;
        foreach (var condition in query.Conditions.Where(SqlConditionBuilder.CanDrive))
        {
            var count = await CountAsync(condition, owner, executor, cancellationToken);
            if (count == 0)
            {
                return new SqlSearchPlan(null, IsEmpty: true);
            }

            if (count < bestCount)
            {
                (best, bestCount) = (condition, count);
            }
        }

        return new SqlSearchPlan(bestCount <= DriverLimit ? best : null, IsEmpty: false);
    }

    /// <summary>
    /// The size of the condition's set, exact up to <see cref="DriverLimit"/>. A chain or
    /// <c>_has</c> counts its inner condition first: a set is built whole before it is joined, so
    /// an inner set over the limit is not joined at all (the outer one is taken as over it too).
    /// </summary>
    private static async Task<long> CountAsync(SearchCondition condition, SqlOwner owner, ISqlExecutor executor, CancellationToken cancellationToken)
    {
        var inner = condition switch
        {
            ChainCondition chain => (chain.Inner, new SqlOwner("t", chain.TargetTypes)),
            HasCondition has => (has.Inner, new SqlOwner("s", [has.SourceType])),
            _ => ((SearchCondition, SqlOwner)?)null,
        };
        if (inner is var (innerCondition, innerOwner))
        {
            var innerCount = await CountAsync(innerCondition, innerOwner, executor, cancellationToken);
            if (innerCount is 0 or > DriverLimit)
            {
                return innerCount;
            }
        }

        // Without the access restriction: the count only chooses a plan, and a set that is empty
        // unrestricted is empty restricted too. Nothing of it reaches the caller.
        var probe = new SqlStatement("");
        var set = new SqlConditionBuilder(probe).Set(condition, owner);
        probe.Text = $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM ({set}) candidate LIMIT {(DriverLimit + 1).ToString(CultureInfo.InvariantCulture)}) bounded";
        return await executor.QueryScalarAsync(probe, cancellationToken);
    }
}

/// <summary>The condition that drives the query (null: scan in result order), or the knowledge that nothing matches.</summary>
internal sealed record SqlSearchPlan(SearchCondition? Driver, bool IsEmpty);
