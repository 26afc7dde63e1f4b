using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Consent;

/// <summary>Break-the-glass grants and the security alerts they raise (migration 0004_emergency_access).</summary>
public sealed class EmergencyAccessStore(SqlDialect dialect, TimeProvider time, IOptions<SecurityOptions> options)
{
    private readonly EmergencyGrantCache grants = new(time, TimeSpan.FromSeconds(options.Value.EmergencyGrantCacheSeconds));

    public const string EmergencyAccessAlert = "emergency-access";

    /// <summary>Records a grant and its alert inside the caller's transaction (with the audit row of the same event).</summary>
    public static async Task GrantAsync(ISqlTransaction transaction, EmergencyGrant grant, CancellationToken cancellationToken)
    {
        await using (var insert = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            "INSERT INTO emergency_grants (id, agent, organization_code, patient_key, reason, granted_at, expires_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            grant.Id, grant.Agent, grant.OrganizationCode, grant.PatientKey, grant.Reason, SqlTime.ToMicros(grant.GrantedAt), SqlTime.ToMicros(grant.ExpiresAt)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var alert = SqlCommands.Create(transaction.Connection, transaction.Transaction,
            "INSERT INTO security_alerts (id, raised_at, kind, organization_code, agent, patient_key, detail) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            Guid.NewGuid().ToString("N"), SqlTime.ToMicros(grant.GrantedAt), EmergencyAccessAlert, grant.OrganizationCode, grant.Agent, grant.PatientKey,
            $"Emergency access until {grant.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}: {grant.Reason}");
        await alert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A grant was committed (by <see cref="GrantAsync"/>): lookups remembered before it no longer stand.</summary>
    public void GrantCommitted() => grants.Invalidate();

    /// <summary>
    /// The patients (<c>Patient/{id}</c>) this agent may see under an emergency grant in force at
    /// <paramref name="at"/>. The agent's unexpired grants are remembered briefly (<see cref="EmergencyGrantCache"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> ActivePatientsAsync(string agent, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!grants.TryGet(agent, out var unexpired))
        {
            var generation = grants.Generation;
            unexpired = await QueryAsync(
                "SELECT patient_key, granted_at, expires_at FROM emergency_grants WHERE agent = @p0 AND expires_at > @p1",
                r => new CachedGrant(r.GetString(0), SqlTime.FromMicros(Micros(r, 1)), SqlTime.FromMicros(Micros(r, 2))), cancellationToken, agent, SqlTime.ToMicros(at));
            grants.Remember(agent, unexpired, generation);
        }

        return [.. unexpired.Where(g => g.GrantedAt <= at && g.ExpiresAt > at).Select(g => g.PatientKey).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Alerts of one organization, or of all when <paramref name="organizationCode"/> is null; newest first.</summary>
    public Task<List<SecurityAlert>> ListAlertsAsync(string? organizationCode, bool unacknowledgedOnly, CancellationToken cancellationToken)
    {
        var sql = "SELECT id, raised_at, kind, organization_code, agent, patient_key, detail, acknowledged_at, acknowledged_by FROM security_alerts WHERE 1 = 1"
            + (organizationCode is null ? "" : " AND organization_code = @p0")
            + (unacknowledgedOnly ? " AND acknowledged_at IS NULL" : "")
            + " ORDER BY raised_at DESC LIMIT 500";
        return QueryAsync(sql, Alert, cancellationToken, organizationCode is null ? [] : [organizationCode]);
    }

    public async Task<SecurityAlert?> FindAlertAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id, raised_at, kind, organization_code, agent, patient_key, detail, acknowledged_at, acknowledged_by FROM security_alerts WHERE id = @p0",
            Alert, cancellationToken, id)).FirstOrDefault();

    public async Task<bool> AcknowledgeAsync(string id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null,
            "UPDATE security_alerts SET acknowledged_at = @p0, acknowledged_by = @p1 WHERE id = @p2 AND acknowledged_at IS NULL", SqlTime.ToMicros(at), by, id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static SecurityAlert Alert(DbDataReader r) => new(
        r.GetString(0), SecurityStore.FromMicros(Micros(r, 1)), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : SecurityStore.FromMicros(Micros(r, 7)), r.IsDBNull(8) ? null : r.GetString(8));

    private static long Micros(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}

public sealed record EmergencyGrant(string Id, string Agent, string OrganizationCode, string PatientKey, string Reason, DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt);

public sealed record SecurityAlert(
    string Id, DateTimeOffset RaisedAt, string Kind, string OrganizationCode, string Agent, string? PatientKey, string Detail,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);
