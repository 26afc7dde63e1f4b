using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>
/// Differential test against a third party: the same Synthea patients are loaded into Kakehashi
/// and into Medplum's <c>@medplum/fhir-router</c> in-memory repository (tests/differential, run
/// with Node), and a fixed set of queries must return the same resource ids from both. Values
/// are sampled from the loaded data so that every query has matches. Where the two servers
/// differ on purpose, the query is listed in <see cref="IntentionalDifferences"/> with the
/// specification section that justifies Kakehashi, and tests/differential/README.md explains it.
/// Node and the npm packages are required: a missing one fails the test, never skips it.
/// </summary>
public abstract class MedplumDifferentialContract(ServerFixture server)
{
    private const int BundleCount = 20;

    /// <summary>Queries whose results differ on purpose (see tests/differential/README.md).</summary>
    private static readonly Dictionary<string, string> IntentionalDifferences = new(StringComparer.Ordinal)
    {
        ["Observation?value-quantity=gt100"] = "R4 search §3.1.1.4.9 (quantity): Medplum's in-memory repository does not evaluate quantity parameters and matches nothing.",
        ["Patient?_has:Observation:patient:code=http://loinc.org|8302-2"] = "R4 search §3.1.1.6.2 (_has): Medplum's in-memory repository does not evaluate reverse chains and matches nothing.",
    };

    [Fact]
    public async Task SyntheaSearches_ReturnTheSameIdsAsMedplum()
    {
        var differential = DifferentialFolder();
        var resources = PrepareResources();
        await LoadIntoKakehashiAsync(resources);
        var queries = Queries(resources);
        Assert.True(queries.Count - IntentionalDifferences.Count >= 40, $"only {queries.Count} queries");

        var work = Directory.CreateTempSubdirectory("kakehashi-differential-");
        try
        {
            var ndjson = Path.Combine(work.FullName, "resources.ndjson");
            await File.WriteAllLinesAsync(ndjson, resources.Select(r => r.ToJsonString()));
            var queryFile = Path.Combine(work.FullName, "queries.json");
            await File.WriteAllTextAsync(queryFile, JsonSerializer.Serialize(queries));
            var output = Path.Combine(work.FullName, "medplum.json");
            await RunNodeAsync(differential, ndjson, queryFile, output);
            var medplum = JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject();

            var failures = new List<string>();
            var compared = 0;
            foreach (var query in queries)
            {
                var ours = await KakehashiIdsAsync(query);
                var theirs = medplum[query] as JsonArray
                    ?? throw new InvalidOperationException($"Medplum could not run '{query}': {medplum[query]}");
                var expected = theirs.Select(t => (string)t!).Order(StringComparer.Ordinal).ToList();
                var same = ours.SequenceEqual(expected);
                if (IntentionalDifferences.ContainsKey(query))
                {
                    continue;
                }

                compared++;
                if (ours.Count == 0 && expected.Count == 0)
                {
                    failures.Add($"{query}: matches nothing on either side; pick a value from the data");
                }
                else if (!same)
                {
                    failures.Add($"{query}: Kakehashi {ours.Count}, Medplum {expected.Count}; only Kakehashi: {string.Join(" ", ours.Except(expected).Take(3))}; only Medplum: {string.Join(" ", expected.Except(ours).Take(3))}");
                }
            }

            Assert.True(failures.Count == 0, $"{failures.Count} of {compared} queries differ from Medplum:\n" + string.Join("\n", failures));
            Assert.True(compared >= 40, $"only {compared} queries compared");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The first Synthea bundles, with the Synthea ids kept and every urn:uuid reference turned into Type/id.</summary>
    private static List<JsonObject> PrepareResources()
    {
        var resources = new List<JsonObject>();
        foreach (var (_, json) in TestData.SyntheaBundles().OrderBy(b => b.Name, StringComparer.Ordinal).Take(BundleCount))
        {
            var entries = JsonNode.Parse(json)!["entry"]!.AsArray();
            var map = entries.ToDictionary(
                e => (string)e!["fullUrl"]!,
                e => (string)e!["resource"]!["resourceType"]! + "/" + (string)e!["resource"]!["id"]!,
                StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var text = entry!["resource"]!.ToJsonString();
                foreach (var (urn, reference) in map)
                {
                    text = text.Replace("\"" + urn + "\"", "\"" + reference + "\"", StringComparison.Ordinal);
                }

                resources.Add(JsonNode.Parse(text)!.AsObject());
            }
        }

        // Shared resources (organizations, practitioners) appear in several bundles: keep the last.
        return [.. resources.GroupBy(r => Key(r), StringComparer.Ordinal).Select(g => g.Last())];
    }

    private async Task LoadIntoKakehashiAsync(List<JsonObject> resources)
    {
        foreach (var chunk in resources.Chunk(500))
        {
            var bundle = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "batch",
                ["entry"] = new JsonArray([.. chunk.Select(r => (JsonNode)new JsonObject
                {
                    ["resource"] = r.DeepClone(),
                    ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = Key(r) },
                })]),
            };
            var result = await (await server.Client.PostAsync("", FhirHttp.Json(bundle))).ExpectAsync(HttpStatusCode.OK);
            var failed = result["entry"]!.AsArray().Where(e => !((string?)e!["response"]!["status"] ?? "").StartsWith("20", StringComparison.Ordinal)).ToList();
            Assert.True(failed.Count == 0, "load failed: " + failed.FirstOrDefault()?.ToJsonString());
        }
    }

    /// <summary>The fixed query set; values come from the data so that each query has matches.</summary>
    private static List<string> Queries(List<JsonObject> resources)
    {
        JsonObject First(string type) => resources.First(r => (string?)r["resourceType"] == type);
        JsonNode Concept(JsonObject r, string element) => r[element] is JsonArray many ? many[0]! : r[element]!;
        string Code(JsonObject r, string element) => (string)Concept(r, element)["coding"]![0]!["code"]!;
        string System(JsonObject r, string element) => (string)Concept(r, element)["coding"]![0]!["system"]!;

        var patient = First("Patient");
        var patientId = (string)patient["id"]!;
        var secondPatientId = (string)resources.Where(r => (string?)r["resourceType"] == "Patient").Skip(1).First()["id"]!;
        var family = (string)patient["name"]![0]!["family"]!;
        var given = (string)patient["name"]![0]!["given"]![0]!;
        var city = (string)patient["address"]![0]!["city"]!;
        var identifier = patient["identifier"]!.AsArray().First(i => i!["system"] is not null)!;
        var condition = First("Condition");
        var encounter = First("Encounter");
        var medication = First("MedicationRequest");
        var immunization = First("Immunization");
        var procedure = First("Procedure");
        var report = First("DiagnosticReport");
        var organization = First("Organization");
        var practitioner = First("Practitioner");
        var carePlan = First("CarePlan");
        var encounterId = ((string)resources.First(r => (string?)r["resourceType"] == "Observation" && r["encounter"] is not null)["encounter"]!["reference"]!)["Encounter/".Length..];

        return
        [
            "Patient?gender=male",
            "Patient?gender=female",
            "Patient?birthdate=ge1980",
            "Patient?birthdate=lt1960-01-01",
            "Patient?birthdate=ge1950&birthdate=lt1970",
            $"Patient?family={family}",
            $"Patient?given={given}",
            $"Patient?name={family}",
            $"Patient?family:exact={family}",
            $"Patient?address-city={city}",
            "Patient?address-state=Massachusetts",
            $"Patient?identifier={identifier["system"]}|{identifier["value"]}",
            $"Patient?identifier={identifier["value"]}",
            $"Patient?_id={patientId},{secondPatientId}",
            "Patient?gender=male&birthdate=ge1970",
            "Observation?code=http://loinc.org|8302-2",
            "Observation?code=8302-2,29463-7",
            "Observation?code=http://loinc.org|29463-7&date=ge2015",
            "Observation?category=vital-signs",
            "Observation?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
            $"Observation?subject=Patient/{patientId}",
            $"Observation?patient={patientId}",
            $"Observation?patient={patientId}&code=http://loinc.org|8302-2",
            "Observation?date=ge2015-01-01",
            "Observation?date=lt2000",
            "Observation?status=final",
            $"Observation?encounter=Encounter/{encounterId}",
            "Observation?subject:Patient.gender=female&code=http://loinc.org|8302-2",
            $"Observation?patient.family={family}",
            "Observation?value-quantity=gt100",
            $"Condition?code={System(condition, "code")}|{Code(condition, "code")}",
            $"Condition?code={Code(condition, "code")}",
            "Condition?clinical-status=active",
            "Condition?onset-date=ge2010",
            $"Condition?patient={patientId}",
            "Encounter?status=finished",
            $"Encounter?type={Code(encounter, "type")}",
            "Encounter?date=ge2015",
            $"Encounter?patient={patientId}",
            $"Encounter?subject=Patient/{patientId}&date=lt2010",
            "MedicationRequest?status=stopped",
            "MedicationRequest?intent=order",
            $"MedicationRequest?code={Code(medication, "medicationCodeableConcept")}",
            "MedicationRequest?authoredon=ge2015",
            $"Immunization?vaccine-code={Code(immunization, "vaccineCode")}",
            "Immunization?date=ge2015",
            $"Procedure?code={Code(procedure, "code")}",
            "Procedure?date=lt2010",
            $"DiagnosticReport?code={Code(report, "code")}",
            "CarePlan?status=active",
            $"CarePlan?category={Code(carePlan, "category")}",
            $"Claim?patient={patientId}",
            $"ExplanationOfBenefit?patient={patientId}",
            $"Organization?name={(string)organization["name"]!}",
            $"Practitioner?family={(string)practitioner["name"]![0]!["family"]!}",
            "Patient?_has:Observation:patient:code=http://loinc.org|8302-2",
        ];
    }

    private async Task<List<string>> KakehashiIdsAsync(string query)
    {
        var ids = new List<string>();
        string? url = query + "&_count=1000";
        while (url is not null)
        {
            var bundle = await (await server.Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            ids.AddRange(bundle["entry"]?.AsArray()
                .Where(e => (string?)e!["search"]?["mode"] == "match")
                .Select(e => (string)e!["resource"]!["resourceType"]! + "/" + (string)e!["resource"]!["id"]!) ?? []);
            url = bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.ToString();
        }

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private static string Key(JsonObject resource) => (string)resource["resourceType"]! + "/" + (string)resource["id"]!;

    private static string DifferentialFolder()
    {
        var folder = Path.GetDirectoryName(TestData.Path("synthea"))!;
        var differential = Path.GetFullPath(Path.Combine(folder, "..", "differential"));
        if (!Directory.Exists(Path.Combine(differential, "node_modules", "@medplum", "fhir-router")))
        {
            throw new InvalidOperationException($"The Medplum packages are not installed: run 'npm ci' in {differential} (./test.sh does).");
        }

        return differential;
    }

    private static async Task RunNodeAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("medplum-search.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started; install Node.js.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node failed ({process.ExitCode}): {await stderr} {await stdout}");
    }
}

public sealed class SqliteMedplumDifferentialTests(SqliteServerFixture server) : MedplumDifferentialContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMedplumDifferentialTests(PostgresServerFixture server) : MedplumDifferentialContract(server), IClassFixture<PostgresServerFixture>;
