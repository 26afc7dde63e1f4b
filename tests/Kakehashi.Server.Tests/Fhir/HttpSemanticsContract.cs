using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>HTTP details clients rely on: HEAD, POST _search, explicit formats. Runs on every store.</summary>
public abstract class HttpSemanticsContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    [Fact]
    public async Task Head_ReturnsHeadersWithoutBody()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("頭")))["id"]!;

        var response = await Client.SendAsync(HttpMethod.Head, $"Patient/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PostSearch_WithFormBody_FindsLikeGet()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("書式")))["id"]!;

        var response = await Client.PostAsync("Patient/_search", new FormUrlEncodedContent([new("_id", id)]));
        var bundle = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, (string?)bundle["entry"]![0]!["resource"]!["id"]);
    }

    [Fact]
    public async Task Format_JsonAndXmlParameters_OverrideAccept()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("形式")))["id"]!;

        var json = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}?_format=json", configure: AcceptXml);
        var xml = await Client.GetAsync($"Patient/{id}?_format=application/fhir%2Bxml");

        Assert.Equal("application/fhir+json", json.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/fhir+xml", xml.Content.Headers.ContentType!.MediaType);
        await (await Client.GetAsync($"Patient/{id}?_format=csv")).ExpectOutcomeAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task Errors_AreOperationOutcomesInTheRequestedFormat()
    {
        var response = await Client.SendAsync(HttpMethod.Get, $"Patient/{Guid.NewGuid()}", configure: AcceptXml);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<OperationOutcome", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Errors_NeverRevealInternals()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", "{\"resourceType\":\"Patient\",\"birthDate\":\"not-a-date\"}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("SELECT", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Environment.MachineName, text);
    }
}

public sealed class SqliteHttpSemanticsTests(SqliteServerFixture server) : HttpSemanticsContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresHttpSemanticsTests(PostgresServerFixture server) : HttpSemanticsContract(server), IClassFixture<PostgresServerFixture>;
