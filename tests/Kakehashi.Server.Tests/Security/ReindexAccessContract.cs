using System.Net;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Attack case 82 (docs/security/attack-suite.md): <c>$reindex</c> at any level, and
/// <c>$reindex-status</c>, belong to the operator's systems and security administrators.
/// </summary>
public abstract class ReindexAccessContract(ServerFixture server)
{
    private HttpClient Operator => server.Client;

    [Fact]
    public async Task Reindex_ByAnyoneButTheOperatorsSystemsOrSecurityAdministrators_Is403_AndQueuesNothing()
    {
        var patient = (string)(await Operator.CreateAsync(PatientJson("索引")))["id"]!;
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));
        using var doctor = server.CreateClient(await server.RegisterClientAsync("doctor", "hospital"));
        using var insurer = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        var jobsBefore = await ReindexJobCountAsync();

        foreach (var caller in (HttpClient[])[clerk, doctor, insurer])
        {
            foreach (var url in (string[])["Patient/$reindex", "$reindex", "$reindex?type=Patient", $"Patient/{patient}/$reindex"])
            {
                var message = await (await PostEmptyAsync(caller, url)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
                Assert.Contains("administrative", message, StringComparison.Ordinal);
            }
        }

        Assert.Equal(jobsBefore, await ReindexJobCountAsync());
    }

    [Fact]
    public async Task Reindex_ByTheOperatorsSystemAndASecurityAdministrator_IsAccepted_AndOnlyTheyReadItsStatus()
    {
        using var securityAdmin = server.CreateClient(await server.RegisterClientAsync("security-admin", "hospital"));
        using var clerk = server.CreateClient(await server.RegisterClientAsync("clerk", "clinic"));

        foreach (var caller in (HttpClient[])[Operator, securityAdmin])
        {
            var started = await (await PostEmptyAsync(caller, "Patient/$reindex")).ExpectAsync(HttpStatusCode.Accepted);
            var job = (string)started["parameter"]!.AsArray().First(p => (string?)p!["name"] == "job")!["valueString"]!;

            await (await caller.GetAsync("$reindex-status?job=" + job)).ExpectAsync(HttpStatusCode.OK);
            var status = await (await clerk.GetAsync("$reindex-status?job=" + job)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
            Assert.Contains("administrative", status, StringComparison.Ordinal);
        }

        await (await PostEmptyAsync(securityAdmin, "$reindex?type=Patient")).ExpectAsync(HttpStatusCode.Accepted);
    }

    private static async Task<HttpResponseMessage> PostEmptyAsync(HttpClient client, string url)
    {
        using var empty = new FormUrlEncodedContent([]);
        return await client.PostAsync(url, empty);
    }

    private async Task<long> ReindexJobCountAsync()
    {
        var dialect = server.Services.GetRequiredService<SqlDialect>();
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM reindex_jobs";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteReindexAccessTests(SqliteServerFixture server) : ReindexAccessContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresReindexAccessTests(PostgresServerFixture server) : ReindexAccessContract(server), IClassFixture<PostgresServerFixture>;
