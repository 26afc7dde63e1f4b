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
/// <c>IN (subquery)</c> is small and has no statistics on the values. PostgreSQL plans either
/// shape well from its statistics, so there only <c>_has</c> sets are counted — it cannot
/// estimate how many targets a reverse chain yields, and left to itself it builds the whole set
/// even when the first page is a few rows into the type — and every other condition is left to
/// its planner, saving a round trip per condition.
/// </summary>
internal static class SqlSearchPlanner
{
    /// <summary>Above this many rows a set is no longer cheaper than scanning in result order.</summary>
    public const int DriverLimit = 2000;

    public static async Task<SqlSearchPlan> PlanAsync(SearchQuery query, ISqlExecutor executor, bool databasePlansDrivers, CancellationToken cancellationToken)
    {
        if (query.Conditions.OfType<IdCondition>().FirstOrDefault() is { } ids)
        {
            // A primary-key lookup beats any index.
            return new SqlSearchPlan(ids, IsEmpty: false);
        }

        var owner = new SqlOwner("r", SqlConditionBuilder.OwnerTypes(query));
        SearchCondition? best = null;
        var bestCount = long.MaxValue;
        HasCondition? reverse = null;
        var reverseCount = long.MaxValue;
        foreach (var condition in query.Conditions.Where(c => SqlConditionBuilder.CanDrive(c) && (!databasePlansDrivers || c is HasCondition)))
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

            if (condition is HasCondition has && count < reverseCount)
            {
                (reverse, reverseCount) = (has, count);
            }
        }

        return bestCount <= DriverLimit
            ? new SqlSearchPlan(best, IsEmpty: false)
            : new SqlSearchPlan(null, IsEmpty: false) { Fallback = reverse };
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
            if (innerCount is 0 or > DriverLimit || condition is HasCondition)
            {
                // A reverse chain yields about as many targets as it has sources (fewer when
                // sources share a target, as most do), so the inner count stands for it: counting
                // the targets too would read every source again only to choose a plan.
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
internal sealed record SqlSearchPlan(SearchCondition? Driver, bool IsEmpty)
{
    /// <summary>
    /// A <c>_has</c> with too many sources to drive, when nothing else does: whether its targets
    /// are dense among the resources of the type (most patients have the code) or rare (the
    /// sources belong to a few patients) is not known, so the page is first looked for in a
    /// window of the type's resources in result order, and this condition drives when the window
    /// does not fill it (<see cref="SqlSearchRunner"/>).
    /// </summary>
    public HasCondition? Fallback { get; init; }
}
