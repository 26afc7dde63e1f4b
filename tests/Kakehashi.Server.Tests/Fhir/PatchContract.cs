using System.Net;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>PATCH with JSON Patch and FHIRPath Patch. Runs on every store.</summary>
public abstract class PatchContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    [Fact]
    public async Task JsonPatch_ReplacesValue_AndCreatesNewVersion()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("パッチ")))["id"]!;
        var patch = """[{"op":"replace","path":"/birthDate","value":"1999-09-09"},{"op":"add","path":"/active","value":true}]""";

        var response = await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch, mediaType: "application/json-patch+json");
        var body = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("1999-09-09", (string?)body["birthDate"]);
        Assert.True((bool)body["active"]!);
        Assert.Equal("2", (string?)body["meta"]!["versionId"]);
        var read = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1999-09-09", (string?)read["birthDate"]);
    }

    [Fact]
    public async Task JsonPatch_FailingTest_Returns422AndStoresNothing()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("検査")))["id"]!;
        var patch = """[{"op":"test","path":"/birthDate","value":"2000-01-01"},{"op":"replace","path":"/birthDate","value":"1999-09-09"}]""";

        await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch, mediaType: "application/json-patch+json"))
            .ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        var read = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)read["meta"]!["versionId"]);
        Assert.Equal("1970-01-01", (string?)read["birthDate"]);
    }

    [Fact]
    public async Task JsonPatch_ProducingInvalidResource_Returns400()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("不正")))["id"]!;
        var patch = """[{"op":"add","path":"/notAnElement","value":1}]""";
        await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch, mediaType: "application/json-patch+json"))
            .ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task JsonPatch_ChangingId_Returns422()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("識別")))["id"]!;
        var patch = """[{"op":"replace","path":"/id","value":"other"}]""";
        await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch, mediaType: "application/json-patch+json"))
            .ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task FhirPathPatch_ReplacesAndAdds()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("経路")))["id"]!;
        var patch = """
        {"resourceType":"Parameters","parameter":[
          {"name":"operation","part":[{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.birthDate"},{"name":"value","valueDate":"1988-08-08"}]},
          {"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},{"name":"name","valueString":"active"},{"name":"value","valueBoolean":false}]}
        ]}
        """;

        var body = await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("1988-08-08", (string?)body["birthDate"]);
        Assert.False((bool)body["active"]!);
        Assert.Equal("2", (string?)body["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Patch_StaleIfMatch_Returns412()
    {
        var id = (string)(await Client.CreateAsync(PatientJson("版")))["id"]!;
        var patch = """[{"op":"replace","path":"/birthDate","value":"1999-09-09"}]""";
        await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{id}", patch, Header("If-Match", "W/\"5\""), "application/json-patch+json"))
            .ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Patch_UnknownResource_Returns404()
    {
        await (await Client.SendAsync(HttpMethod.Patch, $"Patient/{Guid.NewGuid()}", "[]", mediaType: "application/json-patch+json"))
            .ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqlitePatchTests(SqliteServerFixture server) : PatchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresPatchTests(PostgresServerFixture server) : PatchContract(server), IClassFixture<PostgresServerFixture>;
