using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>Every access to patient data — allowed or refused — leaves an audit row that the API cannot change.</summary>
public abstract class AuditContract(ServerFixture server)
{
    private async Task<JsonArray> AuditForAsync(string patient)
    {
        var body = await (await server.Client.GetAsync($"/admin/audit?patient={Uri.EscapeDataString(patient)}&count=100")).ExpectAsync(HttpStatusCode.OK);
        return body.AsArray();
    }

    [Fact]
    public async Task Write_IsAuditedWithWhoOrganizationRoleAndPatient()
    {
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        var patient = (string)(await doctor.CreateAsync(PatientJson(Unique("監査"))))["id"]!;

        var rows = await AuditForAsync("Patient/" + patient);
        var created = Assert.Single(rows, r => (string?)r!["record"]!["action"] == "C");
        var record = created!["record"]!;
        Assert.Equal("doctor", (string?)record["jobType"]);
        Assert.Equal("system", (string?)record["agentKind"]);
        Assert.NotNull((string?)record["organization"]);
        Assert.Equal(200, (int)record["outcome"]!);
        Assert.StartsWith("Patient/" + patient + "/_history/1", (string?)record["resource"]);
    }

    [Fact]
    public async Task AllowedRead_AndRefusedRead_AreBothAudited()
    {
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("閲覧"))))["id"]!;
        var condition = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;
        var clerkClient = await server.RegisterClientAsync("clerk", "clinic");
        using var clerk = server.CreateClient(clerkClient);

        await (await clerk.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK);
        await (await clerk.GetAsync($"Condition?patient=Patient/{patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var rows = (await AuditForAsync("Patient/" + patient)).Select(r => r!["record"]!).Where(r => (string?)r["agent"] == clerkClient.ClientId).ToList();
        Assert.Contains(rows, r => (string?)r["interaction"] == "read" && (int)r["outcome"]! == 200 && (string?)r["action"] == "R");
        Assert.Contains(rows, r => (string?)r["interaction"] == "search" && (int)r["outcome"]! == 403);
        _ = condition;
    }

    [Fact]
    public async Task Search_IsAuditedOncePerPatientReturned()
    {
        var first = (string)(await server.Client.CreateAsync(PatientJson(Unique("検索一"))))["id"]!;
        var second = (string)(await server.Client.CreateAsync(PatientJson(Unique("検索二"))))["id"]!;
        using var nurse = server.CreateClient(await server.RegisterClientAsync("nurse", "hospital"));

        await (await nurse.GetAsync($"Patient?_id={first},{second}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(await AuditForAsync("Patient/" + first), r => (string?)r!["record"]!["jobType"] == "nurse" && (string?)r!["record"]!["interaction"] == "search");
        Assert.Contains(await AuditForAsync("Patient/" + second), r => (string?)r!["record"]!["jobType"] == "nurse" && (string?)r!["record"]!["interaction"] == "search");
    }

    [Fact]
    public async Task AuditLog_RefusesUpdateAndDelete_EvenFromTheServersDatabaseConnection()
    {
        await server.Client.CreateAsync(PatientJson(Unique("不変")));
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);

        await using (var update = SqlCommands.Create(connection, null, "UPDATE audit_log SET outcome = 200"))
        {
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => update.ExecuteNonQueryAsync());
        }

        await using (var delete = SqlCommands.Create(connection, null, "DELETE FROM audit_log"))
        {
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => delete.ExecuteNonQueryAsync());
        }

        var verification = await (await server.Client.GetAsync("/admin/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)verification["intact"]!, (string?)verification["message"]);
        Assert.True((long)verification["count"]! > 0);
    }
}

/// <summary>
/// Tampering by someone who bypasses the database's guards (a DBA dropping the trigger) is
/// detected by the hash chain. Its own server: the chain stays broken afterwards.
/// </summary>
public abstract class AuditTamperContract(ServerFixture server)
{
    [Fact]
    public async Task Verification_DetectsAlteredInsertedAndRemovedRows()
    {
        for (var i = 0; i < 3; i++)
        {
            await server.Client.CreateAsync(PatientJson(Unique("改竄")));
        }

        var intact = await (await server.Client.GetAsync("/admin/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)intact["intact"]!, (string?)intact["message"]);

        var dialect = server.Services.GetRequiredService<SqlDialect>();
        var postgres = dialect.Name == "Postgres";
        await ExecuteAsync(dialect, postgres ? "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change" : "DROP TRIGGER audit_log_no_update");

        await ExecuteAsync(dialect, "UPDATE audit_log SET job_type = 'clerk' WHERE chain_index = 2");
        var altered = await (await server.Client.GetAsync("/admin/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)altered["intact"]!);
        Assert.Equal(2, (long)altered["firstBadIndex"]!);

        if (!postgres)
        {
            await ExecuteAsync(dialect, "DROP TRIGGER audit_log_no_delete");
        }

        await ExecuteAsync(dialect, "UPDATE audit_log SET job_type = 'system' WHERE chain_index = 2");
        await ExecuteAsync(dialect, "DELETE FROM audit_log WHERE chain_index = 1");
        var removed = await (await server.Client.GetAsync("/admin/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)removed["intact"]!);
        Assert.Equal(1, (long)removed["firstBadIndex"]!);
    }

    private static async Task ExecuteAsync(SqlDialect dialect, string sql)
    {
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SqliteAuditTests(SqliteServerFixture server) : AuditContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditTests(PostgresServerFixture server) : AuditContract(server), IClassFixture<PostgresServerFixture>;

public sealed class SqliteAuditTamperTests(SqliteServerFixture server) : AuditTamperContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditTamperTests(PostgresServerFixture server) : AuditTamperContract(server), IClassFixture<PostgresServerFixture>;
