using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Kakehashi.Storage.Sqlite;

namespace Kakehashi.Server.Tests.Hosting;

/// <summary>How the migrator treats modules and databases it does not expect: it refuses to start rather than guess.</summary>
public sealed class SchemaModuleTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "kakehashi-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDialect dialect;

    public SchemaModuleTests()
    {
        Directory.CreateDirectory(directory);
        dialect = new SqliteDialect(Path.Combine(directory, "kakehashi.db"), durable: false);
    }

    private static SchemaModule Platform => new("platform", typeof(AccessPolicy).Assembly);

    [Fact]
    public async Task AFreshDatabase_RecordsEachScriptByModule_AndNoLegacyTable()
    {
        var applied = (await SqlMigrator.MigrateAsync(dialect, [Platform], CancellationToken.None)).ToList();

        Assert.Contains("fhir/0001_resources.sql", applied);
        Assert.Contains("platform/0003_security.sql", applied);
        Assert.True(applied.IndexOf("fhir/0015_patient_placement.sql") < applied.IndexOf("platform/0003_security.sql"), "the engine's schema comes first");
        Assert.Equal(0L, await TestSql.ScalarAsync(dialect, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'"));
        Assert.Empty(await SqlMigrator.MigrateAsync(dialect, [Platform], CancellationToken.None));
    }

    [Fact]
    public async Task ADatabaseRecordingAScriptNoModuleProvides_IsRefused()
    {
        await TestSql.ExecuteAsync(dialect, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        await TestSql.ExecuteAsync(dialect, "INSERT INTO schema_migrations VALUES (1, '0001_resources.sql', '2026-01-01T00:00:00Z'), (99, '0099_from_the_future.sql', '2026-01-01T00:00:00Z')");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SqlMigrator.MigrateAsync(dialect, [Platform], CancellationToken.None));

        Assert.Contains("0099_from_the_future.sql", refused.Message, StringComparison.Ordinal);
        // Nothing half-done: not even the new bookkeeping table stays behind.
        Assert.Equal(0L, await TestSql.ScalarAsync(dialect, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_versions'"));
    }

    [Fact]
    public async Task AModuleRegisteredTwice_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SqlMigrator.MigrateAsync(dialect, [Platform, Platform], CancellationToken.None));
        Assert.Contains("platform", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fhir")]
    [InlineData("Eligibility")]
    [InlineData("")]
    [InlineData("a b")]
    public void AModuleName_IsLowerCaseAndNotTheEngines(string name) =>
        Assert.Throws<ArgumentException>(() => new SchemaModule(name, typeof(AccessPolicy).Assembly));

    public void Dispose()
    {
        dialect.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Still held by a pooled connection; the OS temp cleaner will get it.
        }
    }
}
