using System.Data.Common;
using System.Globalization;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Writes the eligibility index (<c>eligibility_qualifications</c>, <c>eligibility_public_expenses</c>)
/// inside the transaction that writes the Coverage, so the index never disagrees with the
/// record. A deleted Coverage's rows are removed by <see cref="CoverageDeletionObserver"/>; every
/// reader also joins <c>resources</c> and ignores a row whose Coverage is deleted, and the next
/// registration of the same number replaces such a row.
/// </summary>
public static class QualificationIndex
{
    /// <summary>
    /// An insurer sees the patient data of the persons it holds a qualification for (active or
    /// ended, as long as the Coverage exists) and what it wrote itself. The number is matched as
    /// registered: an 8-digit number with a leading 00 is also a 6-digit 国保 number.
    /// </summary>
    public static RelationshipRequirement InsuredBy(string insurerNumber)
    {
        var canonical = InsuranceNumbers.CanonicalInsurer(insurerNumber);
        IReadOnlyList<string> spellings = canonical.Length == 6 ? [canonical, "00" + canonical] : [canonical];
        return new RelationshipRequirement("eligibility_qualifications", "patient_id", "insurer_number", spellings, insurerNumber);
    }

    public static async Task RemoveAsync(ISqlTransaction tx, string coverageId, CancellationToken cancellationToken)
    {
        await ExecuteAsync(tx, "DELETE FROM eligibility_qualifications WHERE coverage_id = @p0", cancellationToken, coverageId);
        await ExecuteAsync(tx, "DELETE FROM eligibility_public_expenses WHERE coverage_id = @p0", cancellationToken, coverageId);
    }

    /// <summary>Adds an active qualification; 409 when another live Coverage holds the same insured number.</summary>
    public static async Task AddAsync(ISqlTransaction tx, Qualification q, CancellationToken cancellationToken)
    {
        var key = q.Number.Key;
        string? holder = null;
        var live = false;
        await using (var command = SqlCommands.Create(tx.Connection, tx.Transaction,
            "SELECT q.coverage_id, " + SqlResourceTables.Deleted("r") + " FROM eligibility_qualifications q " +
            SqlResourceTables.LeftJoinCurrent("r", "Coverage", "q.coverage_id") + " WHERE q.member_key = @p0", key))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                holder = reader.GetString(0);
                live = !reader.IsDBNull(1) && Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture) == 0;
            }
        }

        if (holder is not null && live)
        {
            throw Duplicate(q.Number, holder);
        }

        if (holder is not null)
        {
            // The row of a deleted Coverage: the number is free again.
            await ExecuteAsync(tx, "DELETE FROM eligibility_qualifications WHERE member_key = @p0", cancellationToken, key);
        }

        try
        {
            await ExecuteAsync(tx,
                "INSERT INTO eligibility_qualifications (coverage_id, member_key, member_prefix, card_key, patient_id, insurer_number, symbol, number, branch, " +
                "insurance_type, relationship, insurer_name, valid_from, valid_until, copay_percent, limit_category, specific_diseases) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16)",
                cancellationToken,
                q.CoverageId, key, q.Number.KeyPrefix, q.CardKey, q.PatientId, q.Number.Insurer, q.Number.Symbol, q.Number.Number, q.Number.Branch,
                q.InsuranceType, q.Relationship, q.InsurerName, DateKey(q.ValidFrom), q.ValidUntil is { } until ? DateKey(until) : null, q.CopayPercent,
                q.LimitCategory, q.SpecificDiseases.Count == 0 ? null : string.Join(' ', q.SpecificDiseases));
        }
        catch (DbException e) when (tx.Dialect.IsUniqueViolation(e))
        {
            // Another request registered the same number a moment ago.
            throw Duplicate(q.Number, null);
        }
    }

    public static Task AddAsync(ISqlTransaction tx, PublicExpense p, CancellationToken cancellationToken) =>
        ExecuteAsync(tx,
            "INSERT INTO eligibility_public_expenses (coverage_id, patient_id, payer_number, recipient_number, valid_from, valid_until, copay_percent) " +
            "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            cancellationToken,
            p.CoverageId, p.PatientId, p.PayerNumber, p.RecipientNumber, DateKey(p.ValidFrom), p.ValidUntil is { } until ? DateKey(until) : null, p.CopayPercent);

    /// <summary>
    /// An insurer is known when the platform has its organization: a FHIR Organization carrying
    /// the insurer number, or an organization registered in the security store.
    /// </summary>
    public static async Task<bool> IsKnownInsurerAsync(DbConnection connection, DbTransaction? transaction, string insurer, CancellationToken cancellationToken)
    {
        var spellings = insurer.Length == 6 ? new[] { insurer, "00" + insurer } : [insurer, InsuranceNumbers.CanonicalInsurer(insurer)];
        await using var command = SqlCommands.Create(connection, transaction,
            "SELECT 1 FROM security_organizations WHERE code IN (@p0, @p1) " +
            "UNION ALL SELECT 1 FROM (" + SqlResourceTables.LiveIdsWithToken("Organization", "identifier", "@p2", "@p0", "@p1") + ") o LIMIT 1",
            spellings[0], spellings[1], KnownEligibilitySystems.InsurerNumber);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    /// <summary>The insurer numbers an Organization carries (null when it does not exist).</summary>
    public static async Task<List<string>?> OrganizationInsurerNumbersAsync(ISqlTransaction tx, string organizationId, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(tx.Connection, tx.Transaction,
            "SELECT " + SqlResourceTables.Deleted("r") + ", " + SqlResourceTables.TokenCode("t") + " FROM " + SqlResourceTables.CurrentRows("r") + " " +
            SqlResourceTables.LeftJoinTokenCodes("t", "r", "identifier", "@p1") + " WHERE " + SqlResourceTables.IsRow("r", "Organization", "@p0"),
            organizationId, KnownEligibilitySystems.InsurerNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<string>? numbers = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture) != 0)
            {
                return null;
            }

            numbers ??= [];
            if (!reader.IsDBNull(1))
            {
                numbers.Add(reader.GetString(1));
            }
        }

        return numbers;
    }

    /// <summary>A date as the index stores it: yyyymmdd.</summary>
    public static int DateKey(DateOnly date) => (date.Year * 10000) + (date.Month * 100) + date.Day;

    public static DateOnly FromDateKey(long key) => new((int)(key / 10000), (int)(key / 100 % 100), (int)(key % 100));

    private static FhirException Duplicate(InsuredNumber number, string? holder) =>
        FhirException.Conflict($"The insured number {number} is already registered{(holder is null ? "" : " by Coverage/" + holder)}: " +
                               "an individual insured number identifies one person. Update that Coverage, or end it (status cancelled) first.");

    private static async Task ExecuteAsync(ISqlTransaction tx, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = SqlCommands.Create(tx.Connection, tx.Transaction, sql, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
