using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Storage.Sql;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Organizations, accounts, clients and token bookkeeping, on Kakehashi's own SQL tables
/// (migration 0003_security) through the configured dialect: portable SQL, no second data
/// access stack (docs/adr/0003-security-store.md).
/// </summary>
public sealed class SecurityStore(SqlDialect dialect, TimeProvider time, IOptions<SecurityOptions> options)
{
    private const string AccountColumns =
        "id, username, organization_code, job_type, patient_id, display_name, password_hash, totp_secret, failed_logins, locked_until, created_at, last_used_at, disabled_at, disabled_reason";

    private const string ClientColumns =
        "client_id, organization_code, role, display_name, jwks, secret_hash, scopes, redirect_uris, created_at, last_used_at, disabled_at, disabled_reason";

    /// <summary>
    /// Re-enabling (@p1: now): tokens authenticated before this moment stay refused. The moment is
    /// that of the re-enable, not of the disable, so that a token being issued while the disable
    /// happened is covered too. Re-enabling what was never disabled changes nothing.
    /// </summary>
    private const string ReEnable =
        "tokens_valid_after = CASE WHEN disabled_at IS NULL THEN tokens_valid_after ELSE @p1 END, disabled_at = NULL, disabled_reason = NULL";

    private readonly ActiveCallerCache activeCallers = new(time, TimeSpan.FromSeconds(options.Value.ActiveCheckCacheSeconds));

    public SqlDialect Dialect => dialect;

    /// <summary>What <see cref="IsActiveAsync"/> remembers, and the tokens <see cref="CallerResolver"/> resolved; forgotten together.</summary>
    internal ActiveCallerCache ActiveCallers => activeCallers;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<bool> AddOrganizationAsync(Organization organization, CancellationToken cancellationToken)
    {
        if (await FindOrganizationAsync(organization.Code, cancellationToken) is not null)
        {
            return false;
        }

        await ExecuteAsync("INSERT INTO security_organizations (code, kind, name, created_at) VALUES (@p0, @p1, @p2, @p3)",
            cancellationToken, organization.Code, organization.Kind, organization.Name, Micros(Now));
        return true;
    }

    public async Task<Organization?> FindOrganizationAsync(string code, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT code, kind, name FROM security_organizations WHERE code = @p0",
            r => new Organization(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, code)).FirstOrDefault();

    public Task<List<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT code, kind, name FROM security_organizations ORDER BY code",
            r => new Organization(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken);

    public Task AddAccountAsync(Account account, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO security_accounts (" + AccountColumns + ") VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, 0, NULL, @p8, NULL, NULL, NULL)",
            cancellationToken, account.Id, account.Username, account.OrganizationCode, account.JobType, account.PatientId, account.DisplayName,
            account.PasswordHash, account.TotpSecret, Micros(account.CreatedAt));

    public async Task<Account?> FindAccountAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT " + AccountColumns + " FROM security_accounts WHERE id = @p0", ReadAccount, cancellationToken, id)).FirstOrDefault();

    public async Task<Account?> FindAccountByUsernameAsync(string username, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT " + AccountColumns + " FROM security_accounts WHERE username = @p0", ReadAccount, cancellationToken, username)).FirstOrDefault();

    /// <summary>The portal accounts linked to a patient's record (one person, one account: normally one).</summary>
    public Task<List<Account>> FindPatientAccountsAsync(string patientId, CancellationToken cancellationToken) =>
        QueryAsync("SELECT " + AccountColumns + " FROM security_accounts WHERE patient_id = @p0 AND job_type = @p1", ReadAccount, cancellationToken, patientId, Kakehashi.Fhir.Security.KnownRoles.Patient);

    public Task<List<Account>> ListAccountsAsync(string? organizationCode, CancellationToken cancellationToken) => organizationCode is null
        ? QueryAsync("SELECT " + AccountColumns + " FROM security_accounts ORDER BY username", ReadAccount, cancellationToken)
        : QueryAsync("SELECT " + AccountColumns + " FROM security_accounts WHERE organization_code = @p0 ORDER BY username", ReadAccount, cancellationToken, organizationCode);

    /// <summary>
    /// Disables (reason given) or re-enables (reason null) an account; false if unknown.
    /// Re-enabling a disabled account revives none of its tokens: those issued before stay
    /// refused (<see cref="IsActiveAsync"/>), so the person signs in again.
    /// </summary>
    public async Task<bool> SetAccountDisabledAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var changed = (reason is null
            ? await ExecuteAsync("UPDATE security_accounts SET " + ReEnable + ", failed_logins = 0, locked_until = NULL WHERE id = @p0", cancellationToken, id, Micros(Now))
            : await ExecuteAsync("UPDATE security_accounts SET disabled_at = @p1, disabled_reason = @p2, failed_logins = 0, locked_until = NULL WHERE id = @p0",
                cancellationToken, id, Micros(Now), reason)) == 1;
        activeCallers.Invalidate();
        return changed;
    }

    /// <summary>
    /// Gives an account a new TOTP secret (a lost phone): the old codes stop at once, the lock and
    /// the failures are cleared, and the last accepted step is forgotten so the new app's first
    /// code works. False if the account is unknown.
    /// </summary>
    public async Task<bool> ResetSecondFactorAsync(string id, string secret, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE security_accounts SET totp_secret = @p1, totp_last_step = NULL, failed_logins = 0, locked_until = NULL WHERE id = @p0",
            cancellationToken, id, secret) == 1;

    /// <summary>
    /// Counts a sign-in attempt as failed before its password is checked; false when the account
    /// is locked. Count and lock change in one conditional UPDATE, so parallel attempts — on any
    /// number of servers sharing the database — get at most <paramref name="maxFailures"/>
    /// password checks before the lock, not however many read the account before the first
    /// failure was written. The attempt that reaches the limit sets the lock; once it has run
    /// out, one more attempt is let through (and locks again unless it succeeds).
    /// </summary>
    public async Task<bool> TryReserveLoginAttemptAsync(string id, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE security_accounts SET failed_logins = failed_logins + 1, " +
            "locked_until = CASE WHEN failed_logins + 1 >= @p1 THEN @p2 ELSE NULL END " +
            "WHERE id = @p0 AND (locked_until IS NULL OR locked_until <= @p3)",
            cancellationToken, id, maxFailures, Micros(Now + lockout), Micros(Now)) == 1;

    /// <summary>
    /// Remembers the TOTP time step an account signs in with; false when that step or a later one
    /// was accepted before (a replayed code, or an older one still inside the drift window). One
    /// conditional UPDATE, so two sign-ins racing with the same code cannot both win.
    /// </summary>
    public async Task<bool> TryUseTotpStepAsync(string id, long step, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE security_accounts SET totp_last_step = @p1 WHERE id = @p0 AND (totp_last_step IS NULL OR totp_last_step < @p1)",
            cancellationToken, id, step) == 1;

    /// <summary>A reserved attempt succeeded: the failures counted so far, this one included, are forgotten.</summary>
    public Task RecordLoginSucceededAsync(string id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE security_accounts SET failed_logins = 0, locked_until = NULL, last_used_at = @p1 WHERE id = @p0", cancellationToken, id, Micros(Now));

    public Task TouchAccountAsync(string id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE security_accounts SET last_used_at = @p1 WHERE id = @p0", cancellationToken, id, Micros(Now));

    /// <summary>Disables every enabled account and client not used (or, if never used, not created) within <paramref name="days"/>; returns what it disabled.</summary>
    public async Task<List<string>> DisableInactiveAsync(int days, CancellationToken cancellationToken)
    {
        var cutoff = Micros(Now - TimeSpan.FromDays(days));
        var accounts = await QueryAsync(
            "SELECT id FROM security_accounts WHERE disabled_at IS NULL AND COALESCE(last_used_at, created_at) < @p0",
            r => r.GetString(0), cancellationToken, cutoff);
        var clients = await QueryAsync(
            "SELECT client_id FROM security_clients WHERE disabled_at IS NULL AND COALESCE(last_used_at, created_at) < @p0",
            r => r.GetString(0), cancellationToken, cutoff);
        var reason = $"unused for {days} days";
        foreach (var id in accounts)
        {
            await SetAccountDisabledAsync(id, reason, cancellationToken);
        }

        foreach (var id in clients)
        {
            await SetClientDisabledAsync(id, reason, cancellationToken);
        }

        return [.. accounts.Select(a => "account:" + a), .. clients.Select(c => "client:" + c)];
    }

    public Task AddClientAsync(RegisteredClient client, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO security_clients (" + ClientColumns + ") VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, NULL, NULL, NULL)",
            cancellationToken, client.ClientId, client.OrganizationCode, client.Role, client.DisplayName, client.Jwks, client.SecretHash,
            client.Scopes, client.RedirectUris, Micros(client.CreatedAt));

    public async Task<RegisteredClient?> FindClientAsync(string clientId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT " + ClientColumns + " FROM security_clients WHERE client_id = @p0", ReadClient, cancellationToken, clientId)).FirstOrDefault();

    public Task<List<RegisteredClient>> ListClientsAsync(string? organizationCode, CancellationToken cancellationToken) => organizationCode is null
        ? QueryAsync("SELECT " + ClientColumns + " FROM security_clients ORDER BY client_id", ReadClient, cancellationToken)
        : QueryAsync("SELECT " + ClientColumns + " FROM security_clients WHERE organization_code = @p0 ORDER BY client_id", ReadClient, cancellationToken, organizationCode);

    /// <summary>Disables (reason given) or re-enables (reason null) a client; as for accounts, re-enabling revives none of its tokens.</summary>
    public async Task<bool> SetClientDisabledAsync(string clientId, string? reason, CancellationToken cancellationToken)
    {
        var changed = (reason is null
            ? await ExecuteAsync("UPDATE security_clients SET " + ReEnable + " WHERE client_id = @p0", cancellationToken, clientId, Micros(Now))
            : await ExecuteAsync("UPDATE security_clients SET disabled_at = @p1, disabled_reason = @p2 WHERE client_id = @p0", cancellationToken, clientId, Micros(Now), reason)) == 1;
        activeCallers.Invalidate();
        return changed;
    }

    /// <summary>Replaces a client's allowed scopes (tokens already issued keep theirs until they expire).</summary>
    public async Task SetClientScopesAsync(string clientId, string scopes, CancellationToken cancellationToken)
    {
        await ExecuteAsync("UPDATE security_clients SET scopes = @p1 WHERE client_id = @p0", cancellationToken, clientId, scopes);
        activeCallers.Invalidate();
    }

    public Task TouchClientAsync(string clientId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE security_clients SET last_used_at = @p1 WHERE client_id = @p0", cancellationToken, clientId, Micros(Now));

    /// <summary>Records a client assertion id; false when it was already used (a replay).</summary>
    public async Task<bool> TryUseAssertionAsync(string clientId, string jti, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync("INSERT INTO security_used_assertions (id, expires_at) VALUES (@p0, @p1)", cancellationToken, clientId + " " + jti, Micros(expires));
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            return false;
        }

        // Expired ids can never be replayed (the assertion is rejected as expired first): forget them.
        await ExecuteAsync("DELETE FROM security_used_assertions WHERE expires_at < @p0", cancellationToken, Micros(Now - TimeSpan.FromMinutes(10)));
        return true;
    }

    public async Task RevokeTokenAsync(string tokenId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync("INSERT INTO security_revoked_tokens (token_id, expires_at) VALUES (@p0, @p1)", cancellationToken, tokenId, Micros(expires));
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            // Revoking twice is fine.
        }

        activeCallers.Invalidate();
    }

    /// <summary>
    /// The per-request check behind short-lived tokens: the account or client is still enabled,
    /// was not re-enabled after <paramref name="authenticatedAt"/> (a token from before a disable
    /// stays dead), and the token was not revoked. One indexed query, whose positive answer later
    /// requests with the same token reuse for <see cref="SecurityOptions.ActiveCheckCacheSeconds"/>.
    /// </summary>
    public async Task<bool> IsActiveAsync(bool isSystem, string subject, string? tokenId, DateTimeOffset authenticatedAt, CancellationToken cancellationToken)
    {
        var key = new ActiveCallerCache.CallerKey(isSystem, subject, tokenId ?? "", Micros(authenticatedAt));
        if (activeCallers.IsKnownActive(key))
        {
            return true;
        }

        var generation = activeCallers.Generation;
        var principal = isSystem
            ? "SELECT COUNT(*) FROM security_clients WHERE client_id = @p0 AND disabled_at IS NULL AND (tokens_valid_after IS NULL OR tokens_valid_after <= @p2)"
            : "SELECT COUNT(*) FROM security_accounts WHERE id = @p0 AND disabled_at IS NULL AND (tokens_valid_after IS NULL OR tokens_valid_after <= @p2)";
        var sql = "SELECT (" + principal + ") - (SELECT COUNT(*) FROM security_revoked_tokens WHERE token_id = @p1)";
        var active = await ScalarAsync(sql, cancellationToken, subject, tokenId ?? "", Micros(authenticatedAt)) == 1;
        if (active)
        {
            activeCallers.RememberActive(key, generation);
        }

        return active;
    }

    public static long Micros(DateTimeOffset value) => SqlTime.ToMicros(value);

    public static DateTimeOffset FromMicros(long value) => SqlTime.FromMicros(value);

    private static Account ReadAccount(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), r.GetString(5), NullableString(r, 6), NullableString(r, 7),
        Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture), NullableTime(r, 9), FromMicros(Convert.ToInt64(r.GetValue(10), CultureInfo.InvariantCulture)),
        NullableTime(r, 11), NullableTime(r, 12), NullableString(r, 13));

    private static RegisteredClient ReadClient(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4), NullableString(r, 5), r.GetString(6), NullableString(r, 7),
        FromMicros(Convert.ToInt64(r.GetValue(8), CultureInfo.InvariantCulture)), NullableTime(r, 9), NullableTime(r, 10), NullableString(r, 11));

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : FromMicros(Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null, sql, values);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

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
