using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>Batch and transaction Bundles: atomicity, reference resolution, ordering, limits. Runs on every store.</summary>
public abstract class BundleContract(ServerFixture server)
{
    protected HttpClient Client => server.Client;

    private static JsonObject Entry(string method, string url, JsonNode? resource = null, string? fullUrl = null, string? ifNoneExist = null)
    {
        var entry = new JsonObject { ["request"] = new JsonObject { ["method"] = method, ["url"] = url } };
        if (fullUrl is not null)
        {
            entry["fullUrl"] = fullUrl;
        }

        if (resource is not null)
        {
            entry["resource"] = resource;
        }

        if (ifNoneExist is not null)
        {
            entry["request"]!["ifNoneExist"] = ifNoneExist;
        }

        return entry;
    }

    private static string Bundle(string type, params JsonObject[] entries) =>
        new JsonObject { ["resourceType"] = "Bundle", ["type"] = type, ["entry"] = new JsonArray(entries) }.ToJsonString();

    private static JsonObject Observation(string subject, string code) => new()
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["code"] = code }) },
        ["subject"] = new JsonObject { ["reference"] = subject },
    };

    [Fact]
    public async Task Transaction_ResolvesUrnUuidReferences()
    {
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var code = Unique();
        var bundle = Bundle("transaction",
            Entry("POST", "Observation", Observation(patientUrn, code), "urn:uuid:" + Guid.NewGuid()),
            Entry("POST", "Patient", JsonNode.Parse(PatientJson("取引")), patientUrn));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("transaction-response", (string?)response["type"]);
        var observationLocation = (string)response["entry"]![0]!["response"]!["location"]!;
        var patientLocation = (string)response["entry"]![1]!["response"]!["location"]!;
        Assert.StartsWith("Patient/", patientLocation);
        Assert.Equal("201 Created", (string?)response["entry"]![1]!["response"]!["status"]);
        var observation = await (await Client.GetAsync(observationLocation)).ExpectAsync(HttpStatusCode.OK);
        var patientId = patientLocation.Split('/')[1];
        Assert.Equal($"Patient/{patientId}", (string?)observation["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_FailingEntry_RollsBackEverything()
    {
        var identifier = Unique();
        var bundle = Bundle("transaction",
            Entry("POST", "Patient", JsonNode.Parse(PatientJson("巻戻", identifier))),
            Entry("PUT", $"Patient/{Unique()}", JsonNode.Parse(PatientJson("不一致", id: "mismatch"))));

        var message = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        Assert.Contains("does not match", message);
        var search = await (await Client.GetAsync($"Patient?identifier=urn:kakehashi:test|{identifier}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(search["entry"]);
    }

    [Fact]
    public async Task Transaction_UnresolvableUrn_Returns400AndStoresNothing()
    {
        var code = Unique();
        var bundle = Bundle("transaction", Entry("POST", "Observation", Observation("urn:uuid:" + Guid.NewGuid(), code)));
        await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var search = await (await Client.GetAsync($"Observation?code=urn:kakehashi:test|{code}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(search["entry"]);
    }

    [Fact]
    public async Task Transaction_ConditionalReference_ResolvesToTheMatch()
    {
        var identifier = Unique();
        var patientId = (string)(await Client.CreateAsync(PatientJson("条件参照", identifier)))["id"]!;
        var bundle = Bundle("transaction",
            Entry("POST", "Observation", Observation($"Patient?identifier=urn:kakehashi:test|{identifier}", Unique())));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        var observation = await (await Client.GetAsync((string)response["entry"]![0]!["response"]!["location"]!)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"Patient/{patientId}", (string?)observation["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_ConditionalReferenceWithoutMatch_Returns412()
    {
        var bundle = Bundle("transaction",
            Entry("POST", "Observation", Observation($"Patient?identifier=urn:kakehashi:test|{Unique()}", Unique())));
        await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Transaction_IfNoneExist_ReusesExistingAndRewritesReferencesToIt()
    {
        var identifier = Unique();
        var existingId = (string)(await Client.CreateAsync(PatientJson("既存", identifier)))["id"]!;
        var urn = "urn:uuid:" + Guid.NewGuid();
        var bundle = Bundle("transaction",
            Entry("POST", "Patient", JsonNode.Parse(PatientJson("既存", identifier)), urn, $"identifier=urn:kakehashi:test|{identifier}"),
            Entry("POST", "Observation", Observation(urn, Unique())));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("200 OK", (string?)response["entry"]![0]!["response"]!["status"]);
        var observation = await (await Client.GetAsync((string)response["entry"]![1]!["response"]!["location"]!)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"Patient/{existingId}", (string?)observation["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_ProcessesDeleteBeforeCreate()
    {
        var identifier = Unique();
        var oldId = (string)(await Client.CreateAsync(PatientJson("旧", identifier)))["id"]!;
        // Listed create-first, but DELETE runs first, so If-None-Exist finds nothing and a new resource is made.
        var bundle = Bundle("transaction",
            Entry("POST", "Patient", JsonNode.Parse(PatientJson("新", identifier)), ifNoneExist: $"identifier=urn:kakehashi:test|{identifier}"),
            Entry("DELETE", $"Patient/{oldId}"));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("201 Created", (string?)response["entry"]![0]!["response"]!["status"]);
        Assert.Equal("204 No Content", (string?)response["entry"]![1]!["response"]!["status"]);
        await (await Client.GetAsync($"Patient/{oldId}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Transaction_ReadEntries_SeeTheTransactionsWrites()
    {
        var id = Unique();
        var bundle = Bundle("transaction",
            Entry("GET", $"Patient/{id}"),
            Entry("PUT", $"Patient/{id}", JsonNode.Parse(PatientJson("読込", id: id))));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("200 OK", (string?)response["entry"]![0]!["response"]!["status"]);
        Assert.Equal(id, (string?)response["entry"]![0]!["resource"]!["id"]);
    }

    [Fact]
    public async Task Batch_FailingEntry_DoesNotAffectOthers()
    {
        var identifier = Unique();
        var bundle = Bundle("batch",
            Entry("POST", "Patient", JsonNode.Parse(PatientJson("一括", identifier))),
            Entry("GET", $"Patient/{Guid.NewGuid()}"),
            Entry("PUT", $"Patient/{Unique()}", JsonNode.Parse(PatientJson("x", id: "mismatch"))));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", bundle)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("batch-response", (string?)response["type"]);
        Assert.Equal("201 Created", (string?)response["entry"]![0]!["response"]!["status"]);
        Assert.StartsWith("404", (string?)response["entry"]![1]!["response"]!["status"]);
        Assert.Equal("OperationOutcome", (string?)response["entry"]![1]!["response"]!["outcome"]!["resourceType"]);
        Assert.StartsWith("400", (string?)response["entry"]![2]!["response"]!["status"]);
        var search = await (await Client.GetAsync($"Patient?identifier=urn:kakehashi:test|{identifier}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(search["entry"]!.AsArray());
    }

    [Fact]
    public async Task Bundle_OverEntryLimit_Returns413()
    {
        var entries = Enumerable.Range(0, 5001).Select(_ => Entry("GET", "metadata")).ToArray();
        await (await Client.SendAsync(HttpMethod.Post, "", Bundle("batch", entries))).ExpectOutcomeAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Bundle_OfWrongType_Returns400()
    {
        await (await Client.SendAsync(HttpMethod.Post, "", Bundle("collection"))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Transaction_ThousandsOfEntries_Commit()
    {
        var code = Unique();
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var entries = new List<JsonObject> { Entry("POST", "Patient", JsonNode.Parse(PatientJson("大量")), patientUrn) };
        entries.AddRange(Enumerable.Range(0, 2000).Select(_ => Entry("POST", "Observation", Observation(patientUrn, code))));

        var response = await (await Client.SendAsync(HttpMethod.Post, "", Bundle("transaction", [.. entries]))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2001, response["entry"]!.AsArray().Count);
        var search = await (await Client.GetAsync($"Observation?code=urn:kakehashi:test|{code}&_total=accurate&_count=1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2000, (int?)search["total"]);
    }
}

public sealed class SqliteBundleTests(SqliteServerFixture server) : BundleContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBundleTests(PostgresServerFixture server) : BundleContract(server), IClassFixture<PostgresServerFixture>;
