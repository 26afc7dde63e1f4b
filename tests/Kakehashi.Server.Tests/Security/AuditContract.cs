using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform;
using Kakehashi.Platform.Audit;
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
    public async Task RefusedAuthentication_IsAuditedWithWhatWasAsked()
    {
        var probe = Guid.NewGuid().ToString();
        using var forged = server.CreateClientWithToken("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        await (await forged.GetAsync($"Patient/{probe}")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);

        var body = await (await server.Client.GetAsync("/admin/audit?agent=anonymous&count=500")).ExpectAsync(HttpStatusCode.OK);
        var row = Assert.Single(body.AsArray(), r => ((string?)r!["record"]!["resource"])?.EndsWith("Patient/" + probe, StringComparison.Ordinal) == true)!["record"]!;
        Assert.Equal(401, (int)row["outcome"]!);
        Assert.Equal("authenticate", (string?)row["interaction"]);
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
    public async Task ConcurrentReadsAndWrites_EachLeaveTheirRows_InOneContiguousChain()
    {
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("同時"))))["id"]!;
        var nurseClient = await server.RegisterClientAsync("nurse", "hospital");
        using var nurse = server.CreateClient(nurseClient);
        const int reads = 40;
        const int writes = 10;

        // Reads are appended by the shared audit writer, writes inside their own transactions: both extend one chain.
        var readTasks = Enumerable.Range(0, reads).Select(async _ => await (await nurse.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK));
        var writeTasks = Enumerable.Range(0, writes).Select(_ => server.Client.CreateAsync(
            $$$"""{"resourceType":"Observation","status":"final","code":{"text":"同時"},"subject":{"reference":"Patient/{{{patient}}}"}}"""));
        await Task.WhenAll([.. readTasks, .. writeTasks]);

        var rows = (await (await server.Client.GetAsync($"/admin/audit?agent={Uri.EscapeDataString(nurseClient.ClientId)}&count=1000")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(reads, rows.Count);
        Assert.All(rows, r => Assert.Equal("read", (string?)r!["record"]!["interaction"]));
        Assert.All(rows, r => Assert.Equal("Patient/" + patient, (string?)r!["record"]!["patient"]));
        Assert.Equal(reads, rows.Select(r => (string?)r!["record"]!["requestId"]).Distinct().Count());
        var created = (await AuditForAsync("Patient/" + patient)).Count(r => (string?)r!["record"]!["action"] == "C");
        Assert.Equal(writes + 1, created);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task AnotherServerAppending_ToTheSameDatabase_KeepsTheChainContiguous()
    {
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("二台"))))["id"]!;
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        // A second audit trail over the same database, as a second server process would have: its own writer, no shared memory.
        await using var other = new AuditLog(server.Services.GetRequiredService<SqlDialect>());
        var otherAgent = Unique("other-server");
        const int each = 25;

        var reads = Enumerable.Range(0, each).Select(async _ => await (await clerk.GetAsync($"Patient/{patient}")).ExpectAsync(HttpStatusCode.OK));
        var appends = Enumerable.Range(0, each).Select(i => other.AppendAsync(
            [new AuditRecord(DateTimeOffset.UtcNow, Unique("req"), otherAgent, "system", otherAgent, null, "system", "Patient/" + patient, "R", "read", "Patient/" + patient, null, 200, "TREAT", false, null)],
            CancellationToken.None));
        await Task.WhenAll([.. reads, .. appends]);

        var rows = (await (await server.Client.GetAsync($"/admin/audit?agent={otherAgent}&count=1000")).ExpectAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(each, rows.Count);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task ReadWhoseAuditRowCannotBeStored_FailsWithoutTheData_AndOtherReadsStillSucceed()
    {
        var family = Unique("記録不能");
        var patient = (string)(await server.Client.CreateAsync(PatientJson(family)))["id"]!;
        var refusedClient = await server.RegisterClientAsync("doctor", "hospital");
        using var refused = server.CreateClient(refusedClient);
        var acceptedClient = await server.RegisterClientAsync("doctor", "hospital");
        using var accepted = server.CreateClient(acceptedClient);
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        var postgres = dialect.Name == "Postgres";
        // The database itself refuses this client's audit rows (as a full disk or a lost connection would refuse them all).
        await ExecuteAsync(dialect, postgres
            ? "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.agent = '" + refusedClient.ClientId +
              "' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$; " +
              "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()"
            : "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log WHEN NEW.agent = '" + refusedClient.ClientId +
              "' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        try
        {
            // Sent together, so that refused and accepted rows meet in the same audit batch.
            var refusedReads = Enumerable.Range(0, 5).Select(_ => refused.GetAsync($"Patient/{patient}")).ToList();
            var acceptedReads = Enumerable.Range(0, 20).Select(_ => accepted.GetAsync($"Patient/{patient}")).ToList();
            await Task.WhenAll([.. refusedReads, .. acceptedReads]);

            foreach (var response in refusedReads.Select(t => t.Result))
            {
                Assert.DoesNotContain(family, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                await response.ExpectOutcomeAsync(HttpStatusCode.InternalServerError);
            }

            foreach (var response in acceptedReads.Select(t => t.Result))
            {
                Assert.Equal(family, (string?)(await response.ExpectAsync(HttpStatusCode.OK))["name"]![0]!["family"]);
            }
        }
        finally
        {
            await ExecuteAsync(dialect, postgres ? "DROP TRIGGER test_refuse_audit ON audit_log; DROP FUNCTION test_refuse_audit()" : "DROP TRIGGER test_refuse_audit");
        }

        var rows = await AuditForAsync("Patient/" + patient);
        Assert.DoesNotContain(rows, r => (string?)r!["record"]!["agent"] == refusedClient.ClientId);
        Assert.Equal(20, rows.Count(r => (string?)r!["record"]!["agent"] == acceptedClient.ClientId));
        await AssertChainIntactAsync();
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

    private async Task AssertChainIntactAsync()
    {
        var verification = await (await server.Client.GetAsync("/admin/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)verification["intact"]!, (string?)verification["message"]);
    }

    private static async Task ExecuteAsync(SqlDialect dialect, string sql)
    {
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = SqlCommands.Create(connection, null, sql);
        await command.ExecuteNonQueryAsync();
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
