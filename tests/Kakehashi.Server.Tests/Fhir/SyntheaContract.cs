using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Fhir;

/// <summary>
/// Third-party data: all 150 Synthea transaction Bundles (43,747 resources) load, every
/// urn:uuid reference is rewritten to a real Type/id, and the counts per type match.
/// Each store gets its own fresh database, so the counts are exact.
/// </summary>
public abstract class SyntheaContract(ServerFixture server)
{
    [Fact]
    public async Task AllSyntheaBundles_Commit_WithReferencesResolved_AndCountsMatching()
    {
        var client = server.Client;
        var expected = new Dictionary<string, int>();
        var bundles = 0;
        foreach (var (name, json) in TestData.SyntheaBundles())
        {
            foreach (var entry in JsonNode.Parse(json)!["entry"]!.AsArray())
            {
                var type = (string)entry!["resource"]!["resourceType"]!;
                expected[type] = expected.GetValueOrDefault(type) + 1;
            }

            var response = await client.PostAsync("", FhirHttp.Json(json));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {text[..Math.Min(500, text.Length)]}");
            var result = JsonNode.Parse(text)!;
            Assert.All(result["entry"]!.AsArray(), e => Assert.Equal("201 Created", (string?)e!["response"]!["status"]));
            bundles++;
        }

        Assert.Equal(150, bundles);
        Assert.Equal(43_747, expected.Values.Sum());
        foreach (var (type, count) in expected)
        {
            var search = await (await client.GetAsync($"{type}?_total=accurate&_count=1")).ExpectAsync(HttpStatusCode.OK);
            Assert.True(count == (int?)search["total"], $"{type}: expected {count}, found {search["total"]}");
        }

        // Every stored reference now points at a real resource: none is left as urn:uuid.
        foreach (var type in new[] { "Encounter", "Observation", "Claim", "ExplanationOfBenefit", "MedicationRequest" })
        {
            var url = $"{type}?_count=1000";
            var seen = 0;
            while (url is not null)
            {
                var page = await (await client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
                var pageText = page.ToJsonString();
                Assert.DoesNotContain("\"reference\":\"urn:uuid:", pageText);
                seen += page["entry"]?.AsArray().Count ?? 0;
                url = page["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.ToString();
            }

            Assert.Equal(expected[type], seen);
        }
    }
}

public sealed class SqliteSyntheaTests(SqliteServerFixture server) : SyntheaContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSyntheaTests(PostgresServerFixture server) : SyntheaContract(server), IClassFixture<PostgresServerFixture>;
