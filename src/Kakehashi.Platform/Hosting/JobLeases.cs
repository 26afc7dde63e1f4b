using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Hosting;

/// <summary>
/// How a background worker takes a job from a job table (<c>id</c>, <c>status</c>,
/// <c>lease_until</c>, <c>updated_at</c>, <c>created_at</c>): the oldest queued job, or a running
/// one whose lease ran out (its server stopped). Claiming is a conditional UPDATE, so two servers
/// on one database never run the same job.
/// </summary>
public static class JobLeases
{
    public const string Queued = "queued";

    public const string Running = "running";

    /// <summary>How long a claim holds without being renewed.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>The ids of jobs that may be claimed now, oldest first (a few: others may win the race for each).</summary>
    public static async Task<List<string>> ClaimableAsync(SqlDialect dialect, string table, long nowMicros, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null,
            $"SELECT id FROM {table} WHERE status = @p0 OR (status = @p1 AND lease_until < @p2) ORDER BY created_at LIMIT 5",
            Queued, Running, nowMicros);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(reader.GetString(0));
        }

        return candidates;
    }

    /// <summary>Marks the job running under a new lease, inside <paramref name="unit"/>; false when another worker took it first.</summary>
    public static async Task<bool> TryClaimAsync(SqlWriteUnit unit, string table, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = SqlCommands.Create(unit.Connection, unit.Transaction,
            $"UPDATE {table} SET status = @p1, lease_until = @p2, updated_at = @p3 WHERE id = @p0 AND (status = @p4 OR (status = @p1 AND lease_until < @p3))",
            id, Running, SqlTime.ToMicros(now + Lease), SqlTime.ToMicros(now), Queued);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
