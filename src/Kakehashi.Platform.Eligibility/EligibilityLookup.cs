using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Eligibility;

/// <summary>The person behind a qualification, as reception sees them (from the current Patient).</summary>
public sealed record PatientSummary(string Id, string? Name, string? NameKana, string? BirthDate, string? Gender);

/// <summary>One qualification found by a check, with its insured person and their public expenses.</summary>
public sealed record EligibilityCandidate(Qualification Qualification, PatientSummary? Patient, IReadOnlyList<PublicExpense> PublicExpenses);

/// <summary>
/// The read side of a check: one statement over the eligibility index, by insured number, by
/// the number without its branch, or by card key — each an equality on an indexed column —
/// joined to the Coverage pointer (deleted Coverages drop out), the current Patient version
/// (name, birth date) and the patient's public expenses. No FHIR search machinery, no JSON scan.
/// </summary>
public sealed class EligibilityLookup(SqlDialect dialect, SqlPreparedPool statements)
{
    private static readonly string Select =
        "SELECT q.coverage_id, q.insurer_number, q.symbol, q.number, q.branch, q.patient_id, q.valid_from, q.valid_until, q.copay_percent, " +
        "q.relationship, q.insurance_type, q.insurer_name, q.limit_category, q.specific_diseases, q.card_key, " + SqlResourceTables.Json("pv") + ", " +
        "e.coverage_id, e.payer_number, e.recipient_number, e.valid_from, e.valid_until, e.copay_percent " +
        "FROM eligibility_qualifications q " +
        SqlResourceTables.JoinLive("c", "Coverage", "q.coverage_id") + " " +
        "LEFT " + SqlResourceTables.JoinLive("p", "Patient", "q.patient_id") + " " +
        SqlResourceTables.LeftJoinCurrentJson("pv", "p") + " " +
        "LEFT JOIN eligibility_public_expenses e ON e.patient_id = q.patient_id AND NOT " + SqlResourceTables.IsDeletedSql("Coverage", "e.coverage_id") + " ";

    public Task<List<EligibilityCandidate>> ByInsuredNumberAsync(InsuredNumber number, CancellationToken cancellationToken) =>
        number.Branch is null
            ? QueryAsync("WHERE q.member_prefix = @p0", number.KeyPrefix, cancellationToken)
            : QueryAsync("WHERE q.member_key = @p0", number.Key, cancellationToken);

    public Task<List<EligibilityCandidate>> ByCardAsync(string cardKey, CancellationToken cancellationToken) =>
        QueryAsync("WHERE q.card_key = @p0", cardKey, cancellationToken);

    /// <summary>The qualifications a patient holds (index ix_eligibility_patient).</summary>
    public Task<List<EligibilityCandidate>> ByPatientAsync(string patientId, CancellationToken cancellationToken) =>
        QueryAsync("WHERE q.patient_id = @p0", patientId, cancellationToken);

    /// <summary>The live public-expense Coverage of a patient with this payer, for an upload that updates it.</summary>
    public async Task<string?> PublicExpenseIdAsync(string patientId, string payerNumber, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, null,
            "SELECT e.coverage_id FROM eligibility_public_expenses e " + SqlResourceTables.JoinLive("c", "Coverage", "e.coverage_id") + " " +
            "WHERE e.patient_id = @p0 AND e.payer_number = @p1 LIMIT 1", patientId, payerNumber);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Whether any organization or qualification of this insurer is known (asked only when a check finds nothing).</summary>
    public async Task<bool> IsKnownInsurerAsync(string insurer, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        if (await QualificationIndex.IsKnownInsurerAsync(connection, null, insurer, cancellationToken))
        {
            return true;
        }

        await using var command = SqlCommands.Create(connection, null, "SELECT 1 FROM eligibility_qualifications WHERE insurer_number = @p0 LIMIT 1", insurer);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    /// <summary>
    /// Whether the patient holds a qualification of this insurer covering <paramref name="day"/>:
    /// one indexed statement on the patient's rows (a handful), joined to the live Coverage. The
    /// number is matched as registered: a 6-digit 国保 number also as its 8-digit spelling with 00.
    /// </summary>
    public Task<bool> IsInsuredByAsync(string patientId, string insurerNumber, DateOnly day, CancellationToken cancellationToken)
    {
        var canonical = InsuranceNumbers.CanonicalInsurer(insurerNumber);
        var other = canonical.Length == 6 ? "00" + canonical : canonical;
        return statements.QueryAsync(
            "SELECT 1 FROM eligibility_qualifications q " + SqlResourceTables.JoinLive("c", "Coverage", "q.coverage_id") + " " +
            "WHERE q.patient_id = @p0 AND q.insurer_number IN (@p1, @p2) AND q.valid_from <= @p3 AND (q.valid_until IS NULL OR q.valid_until >= @p3) LIMIT 1",
            [patientId, canonical, other, QualificationIndex.DateKey(day)],
            async (reader, ct) => await reader.ReadAsync(ct),
            cancellationToken);
    }

    /// <summary>Whether the patient's consent of this category for this organization is in force (consent_grants).</summary>
    public Task<bool> HasConsentAsync(string patientId, string organizationCode, string category, DateTimeOffset at, CancellationToken cancellationToken) =>
        statements.QueryAsync(
            "SELECT 1 FROM consent_grants WHERE organization_code = @p0 AND category = @p1 AND patient_key = @p2 AND valid_from <= @p3 AND valid_until > @p3 LIMIT 1",
            [organizationCode, category, "Patient/" + patientId, SqlTime.ToMicros(at)],
            async (reader, ct) => await reader.ReadAsync(ct),
            cancellationToken);

    private Task<List<EligibilityCandidate>> QueryAsync(string where, string value, CancellationToken cancellationToken) =>
        statements.QueryAsync(Select + where, [value], ReadCandidatesAsync, cancellationToken);

    private static async Task<List<EligibilityCandidate>> ReadCandidatesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var candidates = new List<EligibilityCandidate>();
        EligibilityCandidate? current = null;
        List<PublicExpense>? expenses = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var coverageId = reader.GetString(0);
            if (current is null || current.Qualification.CoverageId != coverageId)
            {
                expenses = [];
                current = new EligibilityCandidate(ReadQualification(reader), reader.IsDBNull(15) ? null : ReadPatient(reader.GetString(5), (byte[])reader.GetValue(15)), expenses);
                candidates.Add(current);
            }

            if (!reader.IsDBNull(16))
            {
                expenses!.Add(new PublicExpense(reader.GetString(16), current.Qualification.PatientId, reader.GetString(17), String(reader, 18),
                    QualificationIndex.FromDateKey(Long(reader, 19)!.Value), Long(reader, 20) is { } until ? QualificationIndex.FromDateKey(until) : null, (int?)Long(reader, 21)));
            }
        }

        return candidates;
    }

    private static Qualification ReadQualification(DbDataReader r) => new(
        r.GetString(0),
        new InsuredNumber(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)),
        r.GetString(5),
        QualificationIndex.FromDateKey(Long(r, 6)!.Value),
        Long(r, 7) is { } until ? QualificationIndex.FromDateKey(until) : null,
        (int?)Long(r, 8),
        String(r, 9),
        String(r, 10),
        String(r, 11),
        String(r, 12),
        String(r, 13)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        String(r, 14));

    /// <summary>Name (kanji and kana, JP Core's IDE / SYL representations), birth date and sex from the stored Patient JSON.</summary>
    internal static PatientSummary ReadPatient(string id, byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string? name = null;
        string? kana = null;
        if (root.TryGetProperty("name", out var names) && names.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in names.EnumerateArray())
            {
                var text = NameText(entry);
                if (text is null)
                {
                    continue;
                }

                if (Representation(entry) == "SYL")
                {
                    kana ??= text;
                }
                else
                {
                    name ??= text;
                }
            }
        }

        return new PatientSummary(id, name, kana, Text(root, "birthDate"), Text(root, "gender"));
    }

    private static string? NameText(JsonElement name)
    {
        if (Text(name, "text") is { Length: > 0 } text)
        {
            return text;
        }

        var parts = new List<string>();
        if (Text(name, "family") is { Length: > 0 } family)
        {
            parts.Add(family);
        }

        if (name.TryGetProperty("given", out var given) && given.ValueKind == JsonValueKind.Array)
        {
            parts.AddRange(given.EnumerateArray().Where(g => g.ValueKind == JsonValueKind.String).Select(g => g.GetString()!));
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static string? Representation(JsonElement name)
    {
        if (!name.TryGetProperty("extension", out var extensions) || extensions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var extension in extensions.EnumerateArray())
        {
            if (Text(extension, "url") == "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation")
            {
                return Text(extension, "valueCode");
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? String(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
}
