using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Fhir.Tests.Search;

/// <summary>Answers statements from queued results and keeps them for assertions on the SQL.</summary>
internal sealed class RecordingSqlExecutor : ISqlExecutor
{
    private readonly Queue<List<StoredResource>> _results = new();

    public List<SqlStatement> Statements { get; } = [];

    public long Scalar { get; set; }

    public RecordingSqlExecutor Returns(params StoredResource[] rows)
    {
        _results.Enqueue([.. rows]);
        return this;
    }

    public static StoredResource Row(string type, string id) =>
        new(type, id, 1, DateTimeOffset.UnixEpoch, false, "{}"u8.ToArray());

    public Task<List<StoredResource>> QueryResourcesAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        Statements.Add(statement);
        return Task.FromResult(_results.Count > 0 ? _results.Dequeue() : []);
    }

    public Task<long> QueryScalarAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        Statements.Add(statement);
        return Task.FromResult(Scalar);
    }
}
