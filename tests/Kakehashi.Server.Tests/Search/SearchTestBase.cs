using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>
/// Helpers shared by the search conformance contracts. Every test marks what it creates with a
/// tag of its own (<see cref="Tag"/>) and filters on it, so no test ever sees another's data and
/// expected results are exact on a shared database.
/// </summary>
public abstract class SearchTestBase(ServerFixture server)
{
    protected const string TagSystem = "urn:kakehashi:search-test";

    protected HttpClient Client => server.Client;

    protected ServerFixture Server => server;

    /// <summary>A tag value unique to this test instance (xunit creates one instance per test).</summary>
    protected string Tag { get; } = FhirHttp.Unique("tag");

    /// <summary>"_tag=…" restricting a search to this test's resources.</summary>
    protected string Mine => "_tag=" + TagSystem + "|" + Tag;

    /// <summary>Creates a resource from JSON, adding this test's tag; returns the new id.</summary>
    protected async Task<string> CreateAsync(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var meta = node["meta"]?.AsObject() ?? [];
        node.Remove("meta");
        var tags = meta["tag"]?.AsArray() ?? [];
        meta.Remove("tag");
        tags.Add(new JsonObject { ["system"] = TagSystem, ["code"] = Tag });
        meta["tag"] = tags;
        node["meta"] = meta;
        var created = await Client.CreateAsync(node.ToJsonString());
        return (string)created["id"]!;
    }

    /// <summary>Runs a search (adding this test's tag filter) and returns the bundle.</summary>
    protected async Task<JsonNode> SearchAsync(string url, bool onlyMine = true)
    {
        var full = onlyMine ? url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Mine : url;
        return await (await Client.GetAsync(full)).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>The ids of the matches (search.mode = match) of a search restricted to this test's data.</summary>
    protected async Task<string[]> IdsAsync(string url, bool onlyMine = true) => MatchIds(await SearchAsync(url, onlyMine));

    protected static string[] MatchIds(JsonNode bundle) =>
        [.. Entries(bundle).Where(e => (string?)e["search"]?["mode"] == "match").Select(e => (string)e["resource"]!["id"]!).Order(StringComparer.Ordinal)];

    protected static string[] IncludedKeys(JsonNode bundle) =>
        [.. Entries(bundle).Where(e => (string?)e["search"]?["mode"] == "include")
            .Select(e => (string)e["resource"]!["resourceType"]! + "/" + (string)e["resource"]!["id"]!).Order(StringComparer.Ordinal)];

    protected static IEnumerable<JsonNode> Entries(JsonNode bundle) =>
        bundle["entry"]?.AsArray().Select(e => e!) ?? [];

    protected static string? Link(JsonNode bundle, string relation) =>
        bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"]?.ToString();

    /// <summary>Asserts that the search returns exactly these ids (any order).</summary>
    protected async Task ExpectAsync(string url, params string[] ids)
    {
        var found = await IdsAsync(url);
        Assert.True(
            found.SequenceEqual(ids.Order(StringComparer.Ordinal)),
            $"{url}: expected [{string.Join(", ", ids.Order(StringComparer.Ordinal))}] but found [{string.Join(", ", found)}]");
    }

    /// <summary>Asserts a 400 OperationOutcome whose diagnostics mention <paramref name="mention"/>.</summary>
    protected async Task ExpectBadRequestAsync(string url, string mention)
    {
        var message = await (await Client.GetAsync(url)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains(mention, message, StringComparison.Ordinal);
    }

    protected static string Patient(string family, string? given = null, string? birthDate = null, string? gender = null, string extra = "") =>
        $$"""
        {"resourceType":"Patient","name":[{"family":"{{family}}"{{(given is null ? "" : $",\"given\":[\"{given}\"]")}}}]{{(birthDate is null ? "" : $",\"birthDate\":\"{birthDate}\"")}}{{(gender is null ? "" : $",\"gender\":\"{gender}\"")}}{{extra}}}
        """;
}
