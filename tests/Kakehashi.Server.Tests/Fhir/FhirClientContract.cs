using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Kakehashi.Server.Tests.Support;
using Task = System.Threading.Tasks.Task;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>A real third-party client, the Firely SDK's FhirClient, driving the server end to end.</summary>
public abstract class FhirClientContract(ServerFixture server)
{
    private FhirClient CreateClient() => new(
        new Uri(ServerFixture.BaseUrl),
        new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = true, ReturnPreference = ReturnPreference.Representation },
        server.CreateHandler());

    [Fact]
    public async Task FhirClient_CreateReadUpdateSearchHistoryTransactionDelete()
    {
        using var client = CreateClient();
        var family = FhirHttp.Unique("Firely");

        var created = await client.CreateAsync(new Patient { Name = [new HumanName { Family = family, Given = ["花子"] }], BirthDate = "1990-05-06" });
        Assert.NotNull(created?.Id);
        Assert.Equal("1", created!.Meta!.VersionId);

        var read = await client.ReadAsync<Patient>($"Patient/{created.Id}");
        Assert.Equal(family, read!.Name[0].Family);

        read.Gender = AdministrativeGender.Female;
        var updated = await client.UpdateAsync(read);
        Assert.Equal("2", updated!.Meta!.VersionId);

        var byId = await client.SearchByIdAsync<Patient>(created.Id);
        Assert.Equal(created.Id, Assert.Single(byId!.Entry).Resource!.Id);

        var history = await client.HistoryAsync($"Patient/{created.Id}");
        Assert.Equal(2, history!.Entry.Count);

        var transaction = new TransactionBuilder(client.Endpoint);
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:kakehashi:test", FhirHttp.Unique()),
            Subject = new ResourceReference($"Patient/{created.Id}"),
        };
        transaction.Create(observation);
        var response = await client.TransactionAsync(transaction.ToBundle());
        Assert.StartsWith("201", Assert.Single(response!.Entry).Response!.Status);

        await client.DeleteAsync($"Patient/{created.Id}");
        await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>($"Patient/{created.Id}"));
    }

    [Fact]
    public async Task FhirClient_ReadsCapabilityStatement()
    {
        using var client = CreateClient();
        var capabilities = await client.CapabilityStatementAsync();
        Assert.Equal(FHIRVersion.N4_0_1, capabilities!.FhirVersion);
    }
}

public sealed class SqliteFhirClientTests(SqliteServerFixture server) : FhirClientContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresFhirClientTests(PostgresServerFixture server) : FhirClientContract(server), IClassFixture<PostgresServerFixture>;
