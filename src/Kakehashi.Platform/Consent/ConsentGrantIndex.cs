using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// Keeps <c>consent_grants</c> — the index every consent-bound query is narrowed by — equal to
/// the current versions of the Consent resources, in the transaction that writes them: a new
/// version replaces its consent's rows, a delete removes them.
/// </summary>
public sealed class ConsentGrantIndex(FhirSerializer serializer) : IResourceWriteObserver
{
    /// <summary>The table (platform migration 0003) the engine's consent predicate reads.</summary>
    public const string Table = "consent_grants";

    public async Task OnWrittenAsync(ResourceWrite write, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (write.ResourceType != "Consent")
        {
            return;
        }

        var sql = transaction.Sql();

        await using (var delete = SqlCommands.Create(sql.Connection, sql.Transaction, "DELETE FROM consent_grants WHERE consent_id = @p0", write.Id))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (write.IsDeleted)
        {
            return;
        }

        var consent = (Hl7.Fhir.Model.Consent)serializer.ParseJson(write.Json);
        foreach (var grant in ConsentReader.Grants(consent))
        {
            await using var insert = SqlCommands.Create(sql.Connection, sql.Transaction,
                "INSERT INTO consent_grants (consent_id, patient_key, organization_code, category, valid_from, valid_until) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)",
                write.Id, grant.PatientKey, grant.OrganizationCode, grant.Category, SqlTime.ToMicros(grant.ValidFrom), SqlTime.ToMicros(grant.ValidUntil));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
