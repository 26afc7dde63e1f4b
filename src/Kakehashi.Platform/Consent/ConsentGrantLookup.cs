using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// Whether a patient's consent of one category for one organization is in force at an instant:
/// the question a service asks before it shows an organization what it found about a patient
/// (the prescription check's details, say). Reads the <see cref="ConsentGrantIndex"/>.
/// </summary>
public sealed class ConsentGrantLookup(SqlDialect dialect)
{
    private const string Sql = "SELECT 1 FROM consent_grants WHERE organization_code = @p0 AND category = @p1 AND patient_key = @p2 AND valid_from <= @p3 AND valid_until > @p3 LIMIT 1";

    public async Task<bool> IsInForceAsync(string patientKey, string organizationCode, string category, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        return await IsInForceAsync(connection, patientKey, organizationCode, category, at, cancellationToken);
    }

    /// <summary>On a connection the caller already holds (one connection for a request's few reads).</summary>
    public static async Task<bool> IsInForceAsync(System.Data.Common.DbConnection connection, string patientKey, string organizationCode, string category, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, null, Sql, organizationCode, category, patientKey, SqlTime.ToMicros(at));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
