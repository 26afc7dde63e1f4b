using System.Globalization;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>
/// Derives <c>shard_key</c> again for every stored version of the types a migration listed in
/// <c>compartment_refresh</c> (when <see cref="ShardKeys"/> changed for them), then points each
/// resource's current row at its current version's key and removes the type from the list.
/// Runs at start, before the server serves, so that consent and the patient portal apply to old
/// rows exactly as to new ones. Every step is idempotent: a start interrupted half-way does it
/// again from the beginning.
/// </summary>
public sealed class CompartmentRefresh(SqlResourceStore store, SearchIndexer indexer, FhirSerializer serializer, SearchQueryParser parser)
{
    private const int BatchSize = 500;

    private readonly PatientCompartments compartments = new(parser);

    /// <summary>Returns the number of version rows whose key changed.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        List<string> types;
        await using (var connection = await store.Dialect.OpenConnectionAsync(cancellationToken))
        {
            types = await new SqlCommandRunner(connection, null).QueryAsync(new SqlStatement("SELECT resource_type FROM compartment_refresh ORDER BY resource_type"), r => r.GetString(0), cancellationToken);
        }

        long changed = 0;
        foreach (var type in types)
        {
            changed += await RefreshAsync(type, cancellationToken);
        }

        return changed;
    }

    private async Task<long> RefreshAsync(string type, CancellationToken cancellationToken)
    {
        long changed = 0;
        var (cursorId, cursorVersion) = ("", 0);
        string? previousId = null;
        var previousKey = "";
        while (true)
        {
            // (id, version) order: a deletion tombstone keeps the compartment of the version before it.
            var page = new SqlStatement("");
            var type1 = page.Add(type);
            var id1 = page.Add(cursorId);
            var version1 = page.Add(cursorVersion);
            page.Text = "SELECT id, version_id, is_deleted, shard_key, data FROM resource_versions WHERE resource_type = " + type1 +
                        " AND (id > " + id1 + " OR (id = " + id1 + " AND version_id > " + version1 + ")) ORDER BY id, version_id LIMIT " +
                        BatchSize.ToString(CultureInfo.InvariantCulture);
            List<(string Id, int Version, bool Deleted, string Key, byte[] Data)> rows;
            await using (var connection = await store.Dialect.OpenConnectionAsync(cancellationToken))
            {
                rows = await new SqlCommandRunner(connection, null).QueryAsync(page, r => (
                    r.GetString(0),
                    Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                    Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture) != 0,
                    r.GetString(3),
                    (byte[])r.GetValue(4)), cancellationToken);
            }

            if (rows.Count == 0)
            {
                break;
            }

            var updates = new List<(string Id, int Version, string Key)>();
            await using (var lookup = await store.BeginTransactionAsync(cancellationToken))
            {
                // Only reads (the Patient a URL or an identifier names); disposed, never committed.
                foreach (var row in rows)
                {
                    string key;
                    if (row.Deleted || row.Data.Length == 0)
                    {
                        key = previousId == row.Id ? previousKey : row.Key;
                    }
                    else
                    {
                        var resource = serializer.ParseJson(row.Data);
                        var patient = await compartments.PatientOfAsync(lookup, resource, cancellationToken);
                        key = PatientCompartments.ShardKey(resource, indexer.Extract(resource), patient);
                    }

                    if (key != row.Key)
                    {
                        updates.Add((row.Id, row.Version, key));
                    }

                    (previousId, previousKey) = (row.Id, key);
                }
            }

            if (updates.Count > 0)
            {
                await using var unit = await store.Dialect.BeginWriteUnitAsync(cancellationToken);
                var runner = new SqlCommandRunner(unit.Connection, unit.Transaction);
                foreach (var (id, version, key) in updates)
                {
                    var update = new SqlStatement("UPDATE resource_versions SET shard_key = @p0 WHERE resource_type = @p1 AND id = @p2 AND version_id = @p3");
                    update.Add(key);
                    update.Add(type);
                    update.Add(id);
                    update.Add(version);
                    await runner.ExecuteAsync(update, cancellationToken);
                }

                await unit.CommitAsync(cancellationToken);
                changed += updates.Count;
            }

            (cursorId, cursorVersion) = (rows[^1].Id, rows[^1].Version);
        }

        await using (var unit = await store.Dialect.BeginWriteUnitAsync(cancellationToken))
        {
            var runner = new SqlCommandRunner(unit.Connection, unit.Transaction);
            var current = new SqlStatement(
                "UPDATE resources SET shard_key = (SELECT v.shard_key FROM resource_versions v WHERE v.resource_type = resources.resource_type" +
                " AND v.id = resources.id AND v.version_id = resources.version_id) WHERE resource_type = @p0");
            current.Add(type);
            await runner.ExecuteAsync(current, cancellationToken);
            var done = new SqlStatement("DELETE FROM compartment_refresh WHERE resource_type = @p0");
            done.Add(type);
            await runner.ExecuteAsync(done, cancellationToken);
            await unit.CommitAsync(cancellationToken);
        }

        return changed;
    }
}
