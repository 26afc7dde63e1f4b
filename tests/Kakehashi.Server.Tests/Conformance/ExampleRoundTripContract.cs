using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>
/// Every JP example is stored by create and read back unchanged apart from <c>id</c> and
/// <c>meta</c>. The server only warns here (DeclaredProfile=Warn), so the deliberately invalid
/// examples are stored too; <see cref="ValidationContract"/> covers rejection.
/// </summary>
public abstract class ExampleRoundTripContract(ServerFixture server)
{
    public static TheoryData<string> Examples() => [.. JpExamples.All()];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_RoundTripsThroughCreateAndRead(string example)
    {
        var original = JpExamples.Json(example);
        var type = (string)original["resourceType"]!;
        var created = await (await server.Client.SendAsync(HttpMethod.Post, type, original.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        var read = await (await server.Client.GetAsync($"{type}/{(string)created["id"]!}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("1", (string?)read["meta"]!["versionId"]);
        Assert.True(JsonNode.DeepEquals(WithoutIdAndMeta(original, keepProfiles: true), WithoutIdAndMeta(read.AsObject(), keepProfiles: true)),
            $"{example} changed:\n{WithoutIdAndMeta(original, false).ToJsonString()}\n---\n{WithoutIdAndMeta(read.AsObject(), false).ToJsonString()}");
    }

    // meta may change (versionId, lastUpdated); the declared profiles must survive.
    private static JsonObject WithoutIdAndMeta(JsonObject resource, bool keepProfiles)
    {
        var copy = resource.DeepClone().AsObject();
        var profiles = copy["meta"]?["profile"]?.DeepClone();
        copy.Remove("id");
        copy.Remove("meta");
        if (keepProfiles && profiles is not null)
        {
            copy["profiles"] = profiles;
        }

        return copy;
    }
}

public sealed class SqliteExampleRoundTripTests(SqliteWarnServerFixture server) : ExampleRoundTripContract(server), IClassFixture<SqliteWarnServerFixture>;

public sealed class PostgresExampleRoundTripTests(PostgresWarnServerFixture server) : ExampleRoundTripContract(server), IClassFixture<PostgresWarnServerFixture>;
