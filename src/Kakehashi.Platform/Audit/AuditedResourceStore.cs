using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Audit;

/// <summary>
/// The resource store with the audit trail attached to writes: every transaction remembers
/// what it wrote and, just before committing, appends the audit rows (one per patient touched)
/// in the same database transaction. A write that commits is audited; one that rolls back
/// leaves no audit row behind (the guard records the failure instead). The write observers are
/// the engine's transaction's business (<see cref="SqlResourceStore"/>), not this wrapper's.
/// </summary>
public sealed class AuditedResourceStore(SqlResourceStore inner, AuditLog log, TimeProvider time) : IResourceStore
{
    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken) =>
        inner.ReadAsync(resourceType, id, cancellationToken);

    public Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken) =>
        inner.ReadVersionAsync(resourceType, id, versionId, cancellationToken);

    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken) =>
        inner.HistoryAsync(query, cancellationToken);

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken) =>
        inner.SearchAsync(query, cancellationToken);

    public async Task<IResourceTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        new AuditedTransaction(await inner.BeginTransactionAsync(cancellationToken), log, time);

    private sealed class AuditedTransaction(IResourceTransaction inner, AuditLog log, TimeProvider time) : IResourceTransaction, ISqlTransaction
    {
        private readonly List<ResourceWrite> writes = [];

        public Kakehashi.Fhir.Storage.Sql.SqlDialect Dialect => inner.Sql().Dialect;

        public System.Data.Common.DbConnection Connection => inner.Sql().Connection;

        public System.Data.Common.DbTransaction Transaction => inner.Sql().Transaction;

        public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken) =>
            inner.ReadAsync(resourceType, id, cancellationToken);

        public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken) =>
            inner.SearchAsync(query, cancellationToken);

        public Task LockAsync(string key, CancellationToken cancellationToken) => inner.LockAsync(key, cancellationToken);

        public async Task WriteAsync(ResourceWrite write, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(write, cancellationToken);
            writes.Add(write);
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (writes.Count > 0)
            {
                await log.AppendAsync(inner.Sql(), Records(), cancellationToken);
            }

            await inner.CommitAsync(cancellationToken);
        }

        public void OnCommitted(Action action) => inner.OnCommitted(action);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private List<AuditRecord> Records()
        {
            var scope = AuditScope.Current;
            var now = time.GetUtcNow();
            var records = new List<AuditRecord>();
            foreach (var group in writes.GroupBy(w => w.ShardKey.StartsWith("Patient/", StringComparison.Ordinal) ? w.ShardKey : null))
            {
                var resources = string.Join(' ', group.Select(w => w.ResourceType + "/" + w.Id + "/_history/" + w.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var methods = group.Select(w => w.Method).Distinct().ToList();
                var action = methods.Count == 1 ? methods[0] switch { "POST" => "C", "DELETE" => "D", _ => "U" } : "E";
                var what = new AuditedAccess { Patient = group.Key, Action = action, Interaction = scope?.Interaction.Name ?? "write", Resource = resources, Query = scope?.Query, Outcome = 200 };
                var requestId = scope?.RequestId ?? "server";
                records.Add(scope?.Caller is { } caller
                    ? AuditRecord.ByCaller(caller, now, requestId, what)
                    : AuditRecord.WithoutCaller("kakehashi-server", "server", "HOPERAT", now, requestId, what));
            }

            return records;
        }
    }
}
