using System.Net;
using System.Text;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>
/// The engine's transaction tells the write observers of every write, whatever wraps the store:
/// a Consent written through the bare SQL store (no audit wrapper) still maintains the grant
/// index that consent-bound queries are narrowed by.
/// </summary>
public abstract class WriteObserverContract(ServerFixture server)
{
    [Fact]
    public async Task AConsentWrittenThroughTheBareSqlStore_StillOpensTheData()
    {
        var patient = (string)(await server.Client.CreateAsync(PatientJson(Unique("観察"))))["id"]!;
        var condition = (string)(await server.Client.CreateAsync($$$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{{patient}}}"}}"""))["id"]!;
        var doctorClient = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(doctorClient);
        await (await doctor.GetAsync($"Condition/{condition}")).ExpectOutcomeAsync(HttpStatusCode.NotFound);

        var consentId = Guid.NewGuid().ToString();
        var json = Encoding.UTF8.GetBytes(TestConsents.Json(patient, doctorClient.OrganizationCode, ["clinical-items"], DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1))
            .Replace("{\"resourceType\":\"Consent\",", $"{{\"resourceType\":\"Consent\",\"id\":\"{consentId}\",", StringComparison.Ordinal));
        var store = server.Services.GetRequiredService<SqlResourceStore>();
        await using (var tx = await store.BeginTransactionAsync(CancellationToken.None))
        {
            await tx.WriteAsync(new ResourceWrite("Consent", consentId, 1, DateTimeOffset.UtcNow, false, json, SearchIndex.Empty, "Patient/" + patient, "POST"), CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }

        await (await doctor.GetAsync($"Condition/{condition}")).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class SqliteWriteObserverTests(SqliteServerFixture server) : WriteObserverContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresWriteObserverTests(PostgresServerFixture server) : WriteObserverContract(server), IClassFixture<PostgresServerFixture>;
