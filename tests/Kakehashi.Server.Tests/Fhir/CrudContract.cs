using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>Create, read, vread, update and delete, with versioning and HTTP preconditions. Runs on every store.</summary>
public abstract class CrudContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    [Fact]
    public async Task Create_AssignsServerIdVersionAndHeaders()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("山田", id: "client-chosen"));
        var body = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)body["id"]!;
        Assert.NotEqual("client-chosen", id);
        Assert.True(Guid.TryParse(id, out _), $"server ids are random UUIDs, got {id}");
        Assert.Equal("1", (string?)body["meta"]!["versionId"]);
        Assert.NotNull(body["meta"]!["lastUpdated"]);
        Assert.Equal($"{ServerFixture.BaseUrl}/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Create_TwoResources_GetDifferentIds()
    {
        var first = await Client.CreateAsync(PatientJson("一"));
        var second = await Client.CreateAsync(PatientJson("二"));
        Assert.NotEqual((string)first["id"]!, (string)second["id"]!);
    }

    [Fact]
    public async Task Read_ReturnsWhatWasStored()
    {
        var created = await Client.CreateAsync(PatientJson("佐藤"));
        var id = (string)created["id"]!;

        var response = await Client.GetAsync($"Patient/{id}");
        var body = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("佐藤", (string?)body["name"]![0]!["family"]);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(JsonNode.DeepEquals(created, body));
    }

    [Fact]
    public async Task Read_UnknownId_Returns404WithOutcome()
    {
        var message = await (await Client.GetAsync("Patient/" + Guid.NewGuid())).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Contains("not known", message);
    }

    [Fact]
    public async Task Read_UnknownResourceType_Returns404WithOutcome()
    {
        var message = await (await Client.GetAsync("Patientx/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Contains("Patientx", message);
    }

    [Fact]
    public async Task Update_IncrementsVersion_AndVReadReturnsEachVersion()
    {
        var created = await Client.CreateAsync(PatientJson("田中"));
        var id = (string)created["id"]!;
        created["name"]![0]!["family"] = "中村";

        var response = await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", created.ToJsonString());
        var updated = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("2", (string?)updated["meta"]!["versionId"]);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var v1 = await (await Client.GetAsync($"Patient/{id}/_history/1")).ExpectAsync(HttpStatusCode.OK);
        var v2 = await (await Client.GetAsync($"Patient/{id}/_history/2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("田中", (string?)v1["name"]![0]!["family"]);
        Assert.Equal("中村", (string?)v2["name"]![0]!["family"]);
        await (await Client.GetAsync($"Patient/{id}/_history/3")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_WithClientChosenId_CreatesResource()
    {
        var id = Unique("mrn-");
        var response = await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", PatientJson("伊藤", id: id));
        var body = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(id, (string?)body["id"]);
        Assert.Equal("1", (string?)body["meta"]!["versionId"]);
        await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Update_IdInBodyDiffersFromUrl_Returns400AndStoresNothing()
    {
        var id = Unique();
        var message = await (await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", PatientJson("x", id: "other")))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        Assert.Contains("does not match", message);
        await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_WithoutIdInBody_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Put, $"Patient/{Unique()}", PatientJson("x")))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_BodyTypeDiffersFromUrl_Returns400()
    {
        var message = await (await Client.SendAsync(HttpMethod.Post, "Observation", PatientJson("x")))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Patient", message);
    }

    [Fact]
    public async Task Update_StaleIfMatch_Returns412AndKeepsCurrentVersion()
    {
        var created = await Client.CreateAsync(PatientJson("古い"));
        var id = (string)created["id"]!;
        await (await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", created.ToJsonString(), Header("If-Match", "W/\"1\""))).ExpectAsync(HttpStatusCode.OK);

        created["name"]![0]!["family"] = "上書き";
        await (await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", created.ToJsonString(), Header("If-Match", "W/\"1\"")))
            .ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);

        var current = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("2", (string?)current["meta"]!["versionId"]);
        Assert.Equal("古い", (string?)current["name"]![0]!["family"]);
    }

    [Fact]
    public async Task Update_ConcurrentWithSameIfMatch_ExactlyOneWins()
    {
        var created = await Client.CreateAsync(PatientJson("競合"));
        var id = (string)created["id"]!;
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            var copy = created.DeepClone();
            copy["name"]![0]!["family"] = "writer" + i;
            using var client = server.CreateClient();
            var response = await client.SendAsync(HttpMethod.Put, $"Patient/{id}", copy.ToJsonString(), Header("If-Match", "W/\"1\""));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.True(s is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict, s.ToString()));
        var current = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("2", (string?)current["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Delete_ThenRead_Returns410_AndHistoryKeepsTombstone()
    {
        var created = await Client.CreateAsync(PatientJson("削除"));
        var id = (string)created["id"]!;

        var delete = await Client.DeleteAsync($"Patient/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("W/\"2\"", delete.Headers.ETag!.ToString());

        await (await Client.GetAsync($"Patient/{id}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        await (await Client.GetAsync($"Patient/{id}/_history/2")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        await (await Client.GetAsync($"Patient/{id}/_history/1")).ExpectAsync(HttpStatusCode.OK);
        var history = await (await Client.GetAsync($"Patient/{id}/_history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("DELETE", (string?)history["entry"]![0]!["request"]!["method"]);

        // Deleting again is idempotent and writes no further version.
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"Patient/{id}")).StatusCode);
        history = await (await Client.GetAsync($"Patient/{id}/_history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, history["entry"]!.AsArray().Count);
    }

    [Fact]
    public async Task Update_AfterDelete_RecreatesWithNextVersion()
    {
        var created = await Client.CreateAsync(PatientJson("復活"));
        var id = (string)created["id"]!;
        await Client.DeleteAsync($"Patient/{id}");

        var body = await (await Client.SendAsync(HttpMethod.Put, $"Patient/{id}", created.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("3", (string?)body["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Delete_StaleIfMatch_Returns412AndKeepsResource()
    {
        var created = await Client.CreateAsync(PatientJson("保護"));
        var id = (string)created["id"]!;
        await (await Client.SendAsync(HttpMethod.Delete, $"Patient/{id}", configure: Header("If-Match", "W/\"7\""))).ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
        await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Read_IfNoneMatchCurrentVersion_Returns304()
    {
        var created = await Client.CreateAsync(PatientJson("キャッシュ"));
        var id = (string)created["id"]!;

        var notModified = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: Header("If-None-Match", "W/\"1\""));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var changed = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: Header("If-None-Match", "W/\"0\""));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Read_IfModifiedSince_Returns304OnlyWhenUnchanged()
    {
        var created = await Client.CreateAsync(PatientJson("日時"));
        var id = (string)created["id"]!;
        var lastUpdated = DateTimeOffset.Parse((string)created["meta"]!["lastUpdated"]!, System.Globalization.CultureInfo.InvariantCulture);

        var later = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: Header("If-Modified-Since", lastUpdated.AddMinutes(1).ToString("R")));
        Assert.Equal(HttpStatusCode.NotModified, later.StatusCode);
        var earlier = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: Header("If-Modified-Since", lastUpdated.AddMinutes(-1).ToString("R")));
        Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
    }

    [Fact]
    public async Task Create_PreferMinimal_ReturnsNoBody()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("最小"), Header("Prefer", "return=minimal"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task Create_PreferOperationOutcome_ReturnsOutcome()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", PatientJson("結果"), Header("Prefer", "return=OperationOutcome"));
        var body = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("OperationOutcome", (string?)body["resourceType"]);
        Assert.Equal("information", (string?)body["issue"]![0]!["severity"]);
    }
}

public sealed class SqliteCrudTests(SqliteServerFixture server) : CrudContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCrudTests(PostgresServerFixture server) : CrudContract(server), IClassFixture<PostgresServerFixture>;
