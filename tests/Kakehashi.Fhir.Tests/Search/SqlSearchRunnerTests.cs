using Kakehashi.Fhir.Search;
using static Kakehashi.Fhir.Tests.Search.RecordingSqlExecutor;

namespace Kakehashi.Fhir.Tests.Search;

public sealed class SqlSearchRunnerTests
{
    private static readonly SearchQueryParser Parser = new(SearchParameterRegistry.Shared);

    private static SearchQuery Parse(string type, params (string Key, string Value)[] parameters) =>
        Parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)), lenient: false);

    [Fact]
    public async Task RunAsync_Page_ReadsCurrentNonDeletedRowsWithOneExtraForPaging()
    {
        var executor = new RecordingSqlExecutor();

        await SqlSearchRunner.RunAsync(Parse("Patient", ("_count", "10"), ("_offset", "30")), executor, CancellationToken.None);

        // The page is ordered and cut on resources alone; only its rows are joined to their versions.
        var sql = Assert.Single(executor.Statements).Text;
        Assert.StartsWith("SELECT v.resource_type, v.id, v.version_id, v.last_updated, v.is_deleted, v.data FROM (SELECT r.resource_type, r.id, r.version_id", sql, StringComparison.Ordinal);
        Assert.Contains("r.is_deleted = 0", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY k0, k1 LIMIT 11 OFFSET 30) p JOIN resource_versions v", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MoreRowsThanCount_TrimsAndReportsHasMore()
    {
        var executor = new RecordingSqlExecutor().Returns(Row("Patient", "a"), Row("Patient", "b"), Row("Patient", "c"));

        var page = await SqlSearchRunner.RunAsync(Parse("Patient", ("_count", "2")), executor, CancellationToken.None);

        Assert.Equal(["a", "b"], page.Matches.Select(m => m.Id));
        Assert.True(page.HasMore);
        Assert.Null(page.Total);
    }

    [Fact]
    public async Task RunAsync_AccurateTotal_CountsWithTheSameFilter()
    {
        var executor = new RecordingSqlExecutor { Scalar = 42 }.Returns(Row("Patient", "a"));

        var page = await SqlSearchRunner.RunAsync(Parse("Patient", ("_total", "accurate"), ("gender", "male")), executor, CancellationToken.None);

        Assert.Equal(42, page.Total);
        var count = Assert.Single(executor.Statements, st => st.Text.StartsWith("SELECT COUNT(*) FROM resources r WHERE", StringComparison.Ordinal));
        Assert.Contains(count.Parameters, p => Equals(p.Value, "male"));
    }

    [Fact]
    public async Task RunAsync_ValuesAreParametersNeverSqlText()
    {
        var executor = new RecordingSqlExecutor();

        await SqlSearchRunner.RunAsync(Parse("Patient", ("family", "o'brien; DROP TABLE resources")), executor, CancellationToken.None);

        var statement = Assert.Single(executor.Statements);
        Assert.DoesNotContain("brien", statement.Text, StringComparison.Ordinal);
        Assert.Contains(statement.Parameters, p => Equals(p.Value, "o'brien; drop table resources%"));
    }

    [Fact]
    public async Task RunAsync_SortOnParameter_OrdersByIndexValueThenId()
    {
        var executor = new RecordingSqlExecutor();

        await SqlSearchRunner.RunAsync(Parse("Observation", ("_sort", "-date")), executor, CancellationToken.None);

        var sql = Assert.Single(executor.Statements).Text;
        Assert.Contains("MAX(o.end_us + 0) FROM idx_date o", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY k0 DESC NULLS LAST, k1 DESC LIMIT", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Chain_JoinsReferencesToTheTargetsConditions()
    {
        // The planner's size probe must find something, or the search stops there.
        var executor = new RecordingSqlExecutor { Scalar = 3 };

        await SqlSearchRunner.RunAsync(Parse("Observation", ("subject:Patient.name", "yamada")), executor, CancellationToken.None);

        var sql = Assert.Single(executor.Statements, st => st.Text.StartsWith("SELECT v.", StringComparison.Ordinal)).Text;
        Assert.Contains("FROM idx_reference c", sql, StringComparison.Ordinal);
        Assert.Contains("resources t", sql, StringComparison.Ordinal);
        Assert.Contains("FROM idx_string i", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Includes_AreReturnedOnceAndNotRepeatingMatches()
    {
        var executor = new RecordingSqlExecutor()
            .Returns(Row("Observation", "o1"), Row("Observation", "o2"))
            .Returns(Row("Patient", "p1"), Row("Observation", "o1"))
            .Returns(Row("Patient", "p1"), Row("Provenance", "v1"));

        var page = await SqlSearchRunner.RunAsync(
            Parse("Observation", ("_include", "Observation:subject"), ("_revinclude", "Provenance:target")),
            executor,
            CancellationToken.None);

        Assert.Equal(["Patient/p1", "Provenance/v1"], page.Included.Select(i => i.Key));
    }

    [Fact]
    public async Task RunAsync_NoMatches_RunsNoIncludeStatements()
    {
        var executor = new RecordingSqlExecutor();

        var page = await SqlSearchRunner.RunAsync(Parse("Observation", ("_include", "Observation:subject")), executor, CancellationToken.None);

        Assert.Single(executor.Statements);
        Assert.Empty(page.Included);
        Assert.Equal(0, page.Total);
    }
}
