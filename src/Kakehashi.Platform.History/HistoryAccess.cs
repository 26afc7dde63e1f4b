using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.History;

/// <summary>
/// Who may open a history view of a patient. The role policy and the token's scopes must allow
/// reading the view's entry type; a patient sees only their own; a medical institution or
/// pharmacy (consent-bound) needs the patient's consent in the view's category for its own
/// organization, in force now — or a break-the-glass grant — and is refused with 403 naming the
/// missing category otherwise. Insurers, municipalities and the operator are bound by the role
/// policy alone, as everywhere (docs/security/consent.md).
/// </summary>
public sealed class HistoryAccess(AccessPolicy policy, SqlDialect dialect)
{
    /// <summary>
    /// Throws 403 unless the caller may open <paramref name="view"/> for the patient; returns the
    /// <paramref name="extraCategories"/> it may also see (all of them when consent does not bind it).
    /// </summary>
    public async Task<IReadOnlySet<string>> AuthorizeAsync(OperationRequest request, HistoryView view, string patientId, IReadOnlyList<string> extraCategories, CancellationToken cancellationToken)
    {
        var all = extraCategories.ToHashSet(StringComparer.Ordinal);
        if (request.Http.Caller is not { } caller)
        {
            return all;
        }

        if (!policy.Allows(caller.Role, view.EntryType, 'r'))
        {
            throw FhirException.Forbidden($"The role '{caller.Role}' may not see the {view.Title} of a patient (it may not read {view.EntryType}).");
        }

        if (!caller.Scopes.Any(s => s.Context == ScopeContext(caller) && s.Grants(view.EntryType, 'r')))
        {
            throw FhirException.Forbidden($"The access token's scopes do not allow to read {view.EntryType}, which the {view.Title} consists of.");
        }

        var patientKey = "Patient/" + patientId;
        var restriction = request.Http.Restriction;
        if (restriction?.PatientCompartments is { } own && !own.Contains(patientKey))
        {
            throw FhirException.Forbidden("A patient sees only their own history.");
        }

        if (restriction?.Consent is not { } consent || consent.EmergencyCompartments.Contains(patientKey))
        {
            return all;
        }

        var granted = await GrantedAsync(request, patientKey, consent, [view.Category, .. extraCategories], cancellationToken);
        if (!granted.Contains(view.Category))
        {
            throw ConsentRefusal.For(view.Title, patientKey, view.Category, consent.OrganizationCode);
        }

        granted.IntersectWith(extraCategories);
        return granted;
    }

    private async Task<HashSet<string>> GrantedAsync(OperationRequest request, string patientKey, ConsentRequirement consent, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        var values = new List<object?> { patientKey, consent.OrganizationCode, SqlTime.ToMicros(consent.At) };
        values.AddRange(categories);
        var sql = "SELECT DISTINCT category FROM consent_grants WHERE patient_key = @p0 AND organization_code = @p1 AND valid_from <= @p2 AND valid_until > @p2 AND category IN ("
                  + string.Join(", ", categories.Select((_, i) => "@p" + (i + 3).ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
        var granted = new HashSet<string>(StringComparer.Ordinal);
        if (request.Transaction?.Sql() is { } transaction)
        {
            await ReadAsync(SqlCommands.Create(transaction.Connection, transaction.Transaction, sql, [.. values]), granted, cancellationToken);
        }
        else
        {
            await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
            await ReadAsync(SqlCommands.Create(connection, null, sql, [.. values]), granted, cancellationToken);
        }

        return granted;
    }

    private static async System.Threading.Tasks.Task ReadAsync(System.Data.Common.DbCommand command, HashSet<string> into, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                into.Add(reader.GetString(0));
            }
        }
    }

    private static string ScopeContext(AccessContext caller) => caller.Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Patient => "patient",
        _ => "user",
    };

}
