using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>JP Core search parameters, SearchParameter resources created at run time, and $reindex at every level.</summary>
public abstract class SearchParameterContract(ServerFixture server) : SearchTestBase(server)
{

    private static string Nicknamed(string extensionUrl, string nickname) =>
        $$"""{"resourceType":"Patient","extension":[{"url":"{{extensionUrl}}","valueString":"{{nickname}}"}]}""";

    private static string SearchParameter(string code, string extensionUrl) =>
        $$"""{"resourceType":"SearchParameter","url":"urn:kakehashi:test:sp:{{code}}","name":"{{code}}","status":"active","description":"test","code":"{{code}}","base":["Patient"],"type":"string","expression":"Patient.extension.where(url='{{extensionUrl}}').value.as(string)"}""";

    [Fact]
    public async Task JpCore_KanaSearchParameter_FindsByReading()
    {
        var id = await CreateAsync("""
            {"resourceType":"Patient","name":[
              {"use":"official","text":"山田 太郎","family":"山田","given":["太郎"]},
              {"use":"usual","text":"ヤマダ タロウ","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}]}]}
            """);
        await CreateAsync(Patient("鈴木"));

        await ExpectAsync("Patient?jp-kana-sort=やまだ", id);
        await ExpectAsync("Patient?jp-kana-sort=ﾔﾏﾀﾞ", id);
        var bundle = await SearchAsync("Patient?_sort=jp-kana-sort");
        Assert.Equal(id, (string?)Entries(bundle).First()["resource"]!["id"]);
    }

    [Fact]
    public async Task JpCore_Parameters_AreListedInTheCapabilityStatement()
    {
        var metadata = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var patient = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;
        Assert.Contains(patient["searchParam"]!.AsArray(), p => (string?)p!["name"] == "jp-kana-sort");
    }

    [Fact]
    public async Task RuntimeSearchParameter_IndexesNewWritesAtOnce_AndOldOnesAfterInstanceReindex()
    {
        var code = FhirHttp.Unique("nick");
        var extension = "urn:kakehashi:test:" + code;
        var before = await CreateAsync(Nicknamed(extension, "Taro-chan"));
        await ExpectBadRequestAsync($"Patient?{code}=taro&{Mine}", code);

        await Client.CreateAsync(SearchParameter(code, extension));
        var after = await CreateAsync(Nicknamed(extension, "Taro-kun"));

        await ExpectAsync($"Patient?{code}=taro", after);
        var result = await (await PostEmptyAsync($"Patient/{before}/$reindex")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)result["parameter"]![0]!["valueCode"]);
        await ExpectAsync($"Patient?{code}=taro", before, after);
    }

    [Fact]
    public async Task TypeReindex_RunsAsAJob_ThatReportsProgressAndCompletes()
    {
        var code = FhirHttp.Unique("nick");
        var extension = "urn:kakehashi:test:" + code;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CreateAsync(Nicknamed(extension, "Hanako" + i)));
        }

        await Client.CreateAsync(SearchParameter(code, extension));
        await ExpectAsync($"Patient?{code}=hanako");

        var started = await (await PostEmptyAsync("Patient/$reindex")).ExpectAsync(HttpStatusCode.Accepted);
        var job = Value(started, "job");
        Assert.True(long.Parse(Value(started, "total"), System.Globalization.CultureInfo.InvariantCulture) >= 3);

        var status = await WaitForJobAsync(job);
        Assert.Equal("completed", Value(status, "status"));
        Assert.Equal(Value(status, "total"), Value(status, "processed"));
        await ExpectAsync($"Patient?{code}=hanako", [.. ids]);
    }

    [Fact]
    public async Task SystemReindex_WithTypes_Completes()
    {
        await CreateAsync(Patient("SysReindex"));
        var started = await (await PostEmptyAsync("$reindex?type=Patient,Observation")).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("Patient,Observation", Value(started, "scope"));
        Assert.Equal("completed", Value(await WaitForJobAsync(Value(started, "job")), "status"));
    }

    [Fact]
    public async Task RuntimeSearchParameter_InARolledBackTransaction_IsNotRegistered()
    {
        var code = FhirHttp.Unique("nick");
        var extension = "urn:kakehashi:test:" + code;
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = JsonNode.Parse(SearchParameter(code, extension)), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "SearchParameter" } },
                // Fails after the SearchParameter was written: the id in the body differs from the URL's.
                new JsonObject { ["resource"] = JsonNode.Parse(FhirHttp.PatientJson("巻戻", id: "mismatch")), ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = "Patient/" + FhirHttp.Unique() } }),
        };

        await (await Client.SendAsync(HttpMethod.Post, "", bundle.ToJsonString())).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        await ExpectBadRequestAsync($"Patient?{code}=taro&{Mine}", code);
        await CreateAsync(Nicknamed(extension, "Taro"));
        await ExpectBadRequestAsync($"Patient?{code}=taro&{Mine}", code);
    }

    [Fact]
    public async Task RuntimeSearchParameter_Deleted_IsUnregistered()
    {
        var code = FhirHttp.Unique("nick");
        var extension = "urn:kakehashi:test:" + code;
        var parameter = (string)(await Client.CreateAsync(SearchParameter(code, extension)))["id"]!;
        var patient = await CreateAsync(Nicknamed(extension, "Jiro"));
        await ExpectAsync($"Patient?{code}=jiro", patient);

        await (await Client.DeleteAsync("SearchParameter/" + parameter)).ExpectAsync(HttpStatusCode.NoContent);

        await ExpectBadRequestAsync($"Patient?{code}=jiro&{Mine}", code);
    }

    [Fact]
    public async Task RuntimeSearchParameter_RetiredOrRenamed_TakesItsOldCodeBack()
    {
        var code = FhirHttp.Unique("nick");
        var renamed = FhirHttp.Unique("nick");
        var extension = "urn:kakehashi:test:" + code;
        var created = await Client.CreateAsync(SearchParameter(code, extension));
        var id = (string)created["id"]!;
        var patient = await CreateAsync(Nicknamed(extension, "Saburo"));
        await ExpectAsync($"Patient?{code}=saburo", patient);

        var update = JsonNode.Parse(SearchParameter(renamed, extension))!;
        update["id"] = id;
        await (await Client.SendAsync(HttpMethod.Put, "SearchParameter/" + id, update.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        await ExpectBadRequestAsync($"Patient?{code}=saburo&{Mine}", code);
        var later = await CreateAsync(Nicknamed(extension, "Saburo"));
        await ExpectAsync($"Patient?{renamed}=saburo", later);

        update["status"] = "retired";
        await (await Client.SendAsync(HttpMethod.Put, "SearchParameter/" + id, update.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        await ExpectBadRequestAsync($"Patient?{renamed}=saburo&{Mine}", renamed);
    }

    [Fact]
    public async Task InvalidSearchParameter_Is400_AndUnknownJob_Is404()
    {
        var bad = """{"resourceType":"SearchParameter","url":"urn:kakehashi:test:bad","name":"bad","status":"active","description":"x","code":"bad","base":["Patient"],"type":"string","expression":"Patient.name.where("}""";
        await (await Client.SendAsync(HttpMethod.Post, "SearchParameter", bad)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("$reindex-status?job=nope")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await PostEmptyAsync($"Patient/{Guid.NewGuid()}/$reindex")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    private async Task<HttpResponseMessage> PostEmptyAsync(string url)
    {
        using var empty = new FormUrlEncodedContent([]);
        return await Client.PostAsync(url, empty);
    }

    private async Task<JsonNode> WaitForJobAsync(string job)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var status = await (await Client.GetAsync("$reindex-status?job=" + job)).ExpectAsync(HttpStatusCode.OK);
            if (Value(status, "status") != "running")
            {
                return status;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The reindex job did not finish in 30 s.");
    }

    private static string Value(JsonNode parameters, string name)
    {
        var parameter = parameters["parameter"]!.AsArray().Single(p => (string?)p!["name"] == name)!;
        return parameter.AsObject().Where(p => p.Key.StartsWith("value", StringComparison.Ordinal)).Select(p => p.Value!.ToString()).Single();
    }
}

public sealed class SqliteSearchParameterTests(SqliteServerFixture server) : SearchParameterContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSearchParameterTests(PostgresServerFixture server) : SearchParameterContract(server), IClassFixture<PostgresServerFixture>;
