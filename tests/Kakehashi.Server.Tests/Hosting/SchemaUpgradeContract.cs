using System.IO.Compression;
using System.Net;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Hosting;

/// <summary>
/// A database created before schemas belonged to modules (commit 89d652b, tests/data/schema-89d652b)
/// upgrades in place: each script it recorded is adopted under the module that now owns it, with
/// its original time, nothing runs twice, and the data it held is served as before.
/// </summary>
public abstract class SchemaUpgradeContract(ServerFixture server)
{
    private static readonly Dictionary<int, string> OwnerOfLegacyVersion = new()
    {
        [1] = "fhir",
        [2] = "fhir",
        [3] = "platform",
        [4] = "platform",
        [5] = "eligibility",
        [6] = "fhir",
        [7] = "history",
        [8] = "fhir",
        [9] = "fhir",
        [10] = "fhir",
        [11] = "bulk-export",
        [12] = "fhir",
        [13] = "fhir",
        [14] = "platform",
        [15] = "fhir",
    };

    [Fact]
    public async Task EveryLegacyScript_IsRecordedUnderItsModule_WithItsOriginalTime()
    {
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        var legacy = await TestSql.RowsAsync(dialect, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
        // Modules added since (prescriptions…) record their own scripts beside the adopted ones.
        var adopted = (await TestSql.RowsAsync(dialect, "SELECT module, version, name, applied_at FROM schema_versions ORDER BY version"))
            .Where(row => legacy.Any(old => Equals(old[1], row[2])))
            .ToList();

        Assert.True(legacy.Count >= 13, "the fixture records the scripts of commit 89d652b");
        Assert.Equal(legacy.Count, adopted.Count);
        foreach (var (old, now) in legacy.Zip(adopted))
        {
            var version = Convert.ToInt32(old[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(OwnerOfLegacyVersion[version], now[0]);
            Assert.Equal(old[0]?.ToString(), now[1]?.ToString());
            Assert.Equal(old[1], now[2]);
            Assert.Equal(old[2], now[3]);
        }
    }

    [Fact]
    public async Task MigratingAgain_AppliesNothing()
    {
        var store = server.Services.GetRequiredService<SqlResourceStore>();
        var applied = await store.MigrateAsync([.. server.Services.GetServices<SchemaModule>()], CancellationToken.None);
        Assert.Empty(applied);
    }

    [Fact]
    public async Task TheDataOfTheOldDatabase_IsServed_AndNewWritesWork()
    {
        var bundle = await (await server.Client.GetAsync("Patient?_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)bundle["total"]!);
        var coverages = await (await server.Client.GetAsync("Coverage")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(coverages["entry"]!.AsArray());

        var created = await server.Client.CreateAsync(PatientJson(Unique("移行")));
        var read = await server.Client.GetAsync($"Patient/{created["id"]}");
        await read.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheOldAuditTrail_StillVerifies_AndGrows()
    {
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        var before = await TestSql.ScalarAsync(dialect, "SELECT COUNT(*) FROM audit_log");
        await (await server.Client.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        var audit = server.Services.GetRequiredService<Kakehashi.Platform.Audit.AuditLog>();
        var verification = await audit.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Message);
        Assert.True(Convert.ToInt64(await TestSql.ScalarAsync(dialect, "SELECT COUNT(*) FROM audit_log"), System.Globalization.CultureInfo.InvariantCulture)
            > Convert.ToInt64(before, System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static string LegacyFile(string name) => TestData.Path("schema-89d652b", name);
}

/// <summary>A SQLite store that starts as the one commit 89d652b wrote.</summary>
public sealed class LegacySqliteServerFixture : SqliteServerFixture
{
    protected override async Task<Dictionary<string, string?>> PrepareStorageAsync()
    {
        var settings = await base.PrepareStorageAsync();
        var directory = settings["Kakehashi:Storage:DataDirectory"]!;
        Directory.CreateDirectory(directory);
        await using var source = new GZipStream(File.OpenRead(SchemaUpgradeContract.LegacyFile("kakehashi.db.gz")), CompressionMode.Decompress);
        await using var target = File.Create(Path.Combine(directory, "kakehashi.db"));
        await source.CopyToAsync(target);
        return settings;
    }
}

/// <summary>A PostgreSQL store restored from the dump of the one commit 89d652b wrote.</summary>
public sealed class LegacyPostgresServerFixture : PostgresServerFixture
{
    protected override async Task<Dictionary<string, string?>> PrepareStorageAsync()
    {
        var settings = await base.PrepareStorageAsync();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(SchemaUpgradeContract.LegacyFile("postgres.sql.gz")), CompressionMode.Decompress));
        var dump = await reader.ReadToEndAsync();
        // Its own connection: the dump empties the search_path of the session it runs in.
        var builder = new NpgsqlConnectionStringBuilder(settings["Kakehashi:Storage:ConnectionString"]) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(dump, connection);
        await command.ExecuteNonQueryAsync();
        return settings;
    }
}

public sealed class SqliteSchemaUpgradeTests(LegacySqliteServerFixture server) : SchemaUpgradeContract(server), IClassFixture<LegacySqliteServerFixture>;

public sealed class PostgresSchemaUpgradeTests(LegacyPostgresServerFixture server) : SchemaUpgradeContract(server), IClassFixture<LegacyPostgresServerFixture>;
