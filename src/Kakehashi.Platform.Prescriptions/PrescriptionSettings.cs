using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// An institution's choices for the check (<c>prescription_settings</c>): whether its own past
/// prescriptions and dispensings are checked too. Off by default, as in the national service —
/// an institution knows what it prescribed itself. Every check asks, so the answer is kept for
/// <see cref="CacheFor"/>: a change made on another server applies there within that time.
/// </summary>
public sealed class PrescriptionSettings(SqlDialect dialect, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool CheckOwn, DateTimeOffset ReadAt)> cache = new(StringComparer.Ordinal);

    public async Task<bool> ChecksOwnAsync(string institutionCode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(institutionCode, out var held) && now - held.ReadAt < CacheFor)
        {
            return held.CheckOwn;
        }

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, "SELECT check_own FROM prescription_settings WHERE institution_code = @p0", institutionCode);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        var checkOwn = value is not null and not DBNull && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 1;
        cache[institutionCode] = (checkOwn, now);
        return checkOwn;
    }

    public async Task SetChecksOwnAsync(string institutionCode, bool checkOwn, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var delete = SqlCommands.Create(unit.Connection, unit.Transaction, "DELETE FROM prescription_settings WHERE institution_code = @p0", institutionCode))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = SqlCommands.Create(unit.Connection, unit.Transaction,
            "INSERT INTO prescription_settings (institution_code, check_own, updated_at, updated_by) VALUES (@p0, @p1, @p2, @p3)",
            institutionCode, checkOwn ? 1 : 0, SqlTime.ToMicros(now), by))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        cache[institutionCode] = (checkOwn, time.GetUtcNow());
    }
}
