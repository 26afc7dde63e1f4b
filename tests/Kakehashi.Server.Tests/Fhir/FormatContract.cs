using System.Net;
using System.Text;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>JSON and XML, content negotiation, and every malformed-input error. Runs on every store.</summary>
public abstract class FormatContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    [Fact]
    public async Task Create_FromXml_ThenReadAsXmlAndJson()
    {
        var family = Unique("X");
        var xml = $"""<Patient xmlns="http://hl7.org/fhir"><name><family value="{family}"/></name><birthDate value="1980-02-03"/></Patient>""";
        var created = await Client.SendAsync(HttpMethod.Post, "Patient", xml, mediaType: "application/fhir+xml");
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var id = (string)body["id"]!;

        var asXml = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: AcceptXml);
        Assert.Equal("application/fhir+xml", asXml.Content.Headers.ContentType!.MediaType);
        var text = await asXml.Content.ReadAsStringAsync();
        Assert.Contains($"<family value=\"{family}\"", text);

        var viaFormat = await Client.GetAsync($"Patient/{id}?_format=xml");
        Assert.Contains("<Patient", await viaFormat.Content.ReadAsStringAsync());
        Assert.Equal("1980-02-03", (string?)body["birthDate"]);
    }

    [Fact]
    public async Task Read_Pretty_IsIndented()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("整形")))["id"]!;
        var compact = await (await Client.GetAsync($"Patient/{id}")).Content.ReadAsStringAsync();
        var pretty = await (await Client.GetAsync($"Patient/{id}?_pretty=true")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\n", compact);
        Assert.Contains("\n  ", pretty);
    }

    [Fact]
    public async Task Read_Elements_ReturnsOnlyThoseElements()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("要素")))["id"]!;
        var body = await (await Client.GetAsync($"Patient/{id}?_elements=birthDate")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(body["birthDate"]);
        Assert.Null(body["name"]);
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Post, "Patient", "{\"resourceType\": \"Patient\", ")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_UnknownElement_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Post, "Patient", "{\"resourceType\":\"Patient\",\"nmae\":[]}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_MalformedXml_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Post, "Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><name>", mediaType: "application/fhir+xml"))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_XmlWithExternalEntity_Returns400AndNeverResolvesIt()
    {
        var secret = Path.GetTempFileName();
        await File.WriteAllTextAsync(secret, "SECRET-CONTENT");
        var xml = $"""<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file://{secret}">]><Patient xmlns="http://hl7.org/fhir"><name><family value="&xxe;"/></name></Patient>""";
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", xml, mediaType: "application/fhir+xml");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("SECRET-CONTENT", text);
    }

    [Fact]
    public async Task Create_JsonNestedTooDeep_Returns400()
    {
        var deep = new StringBuilder("{\"resourceType\":\"Patient\",\"extension\":[");
        for (var i = 0; i < 30; i++)
        {
            deep.Append("{\"url\":\"http://x\",\"extension\":[");
        }

        deep.Append(string.Concat(Enumerable.Repeat("]}", 30))).Append("]}");
        var message = await (await Client.SendAsync(HttpMethod.Post, "Patient", deep.ToString())).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains("deeper", message);
    }

    [Fact]
    public async Task Create_BodyOverLimit_Returns413()
    {
        var huge = "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + new string('a', 9 * 1024 * 1024) + "</div>\"}}";
        await (await Client.SendAsync(HttpMethod.Post, "Patient", huge)).ExpectOutcomeAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Create_UnsupportedMediaType_Returns415()
    {
        await (await Client.SendAsync(HttpMethod.Post, "Patient", "name=x", mediaType: "text/plain")).ExpectOutcomeAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Read_UnsupportedAccept_Returns406()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("受理")))["id"]!;
        var response = await Client.SendAsync(HttpMethod.Get, $"Patient/{id}", configure: request =>
        {
            request.Headers.Accept.Clear();
            request.Headers.TryAddWithoutValidation("Accept", "text/csv");
        });
        await response.ExpectOutcomeAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task UnsupportedMethod_Returns405()
    {
        await (await Client.SendAsync(HttpMethod.Delete, "metadata")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await Client.SendAsync(HttpMethod.Post, $"Patient/{Unique()}", PatientJson("x"))).ExpectOutcomeAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Metadata_DescribesInteractionsAndSearchParameters()
    {
        var body = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("CapabilityStatement", (string?)body["resourceType"]);
        Assert.Equal("4.0.1", (string?)body["fhirVersion"]);
        var rest = body["rest"]![0]!;
        Assert.Contains(rest["interaction"]!.AsArray(), i => (string?)i!["code"] == "transaction");
        var patient = rest["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;
        Assert.True((bool)patient["conditionalCreate"]!);
        Assert.Contains(patient["interaction"]!.AsArray(), i => (string?)i!["code"] == "patch");
        Assert.Contains(patient["searchParam"]!.AsArray(), p => (string?)p!["name"] == "birthdate");
        Assert.True(rest["resource"]!.AsArray().Count > 140);
    }
}

public sealed class SqliteFormatTests(SqliteServerFixture server) : FormatContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresFormatTests(PostgresServerFixture server) : FormatContract(server), IClassFixture<PostgresServerFixture>;
