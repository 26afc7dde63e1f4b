using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Serialization;
using Kakehashi.Bench.Generate;

namespace Kakehashi.Bench.Tests;

/// <summary>A small population: valid numbers, JP Core names, resolvable references, valid FHIR, same bytes per seed.</summary>
public sealed partial class GeneratorTests
{
    private static readonly GeneratorOptions Small = new() { People = 40, Seed = 7, Years = 3 };

    private static List<GeneratedResource> All(GeneratorOptions options)
    {
        var generator = new DatasetGenerator(options);
        return generator.SharedBatches().SelectMany(b => b)
            .Concat(generator.PeopleBatches(3).SelectMany(b => b.Resources))
            .ToList();
    }

    [Fact]
    public void SameSeed_GivesSameBytes_OtherSeed_Differs()
    {
        var first = All(Small).SelectMany(r => r.Json).ToArray();
        var second = All(Small).SelectMany(r => r.Json).ToArray();
        var other = All(Small with { Seed = 8 }).SelectMany(r => r.Json).ToArray();
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Organizations_CarryValidInsurerNumbersAndInstitutionCodes_OfEveryKind()
    {
        var insurerNumbers = new List<string>();
        var institutionCodes = new List<string>();
        foreach (var resource in All(Small).Where(r => r.Type == "Organization"))
        {
            using var json = JsonDocument.Parse(resource.Json);
            var identifier = json.RootElement.GetProperty("identifier")[0];
            var value = identifier.GetProperty("value").GetString()!;
            (identifier.GetProperty("system").GetString() == KnownSystems.InsurerNumber ? insurerNumbers : institutionCodes).Add(value);
        }

        Assert.All(insurerNumbers, n => Assert.True(CheckDigits.IsValidInsurerNumber(n), n));
        Assert.All(institutionCodes, c => Assert.True(CheckDigits.IsValidInstitutionCode(c), c));
        Assert.Contains(insurerNumbers, n => n.Length == 6);                       // 市町村国保
        foreach (var law in new[] { "01", "06", "31", "32", "33", "34", "39" })
        {
            Assert.Contains(insurerNumbers, n => n.Length == 8 && n.StartsWith(law, StringComparison.Ordinal));
        }

        foreach (var table in new[] { '1', '3', '4' })                           // medical, dental, pharmacy
        {
            Assert.Contains(institutionCodes, c => c[2] == table);
        }

        Assert.All(institutionCodes, c => Assert.InRange(int.Parse(c[..2], CultureInfo.InvariantCulture), 1, 47));
        Assert.Equal(institutionCodes.Count, institutionCodes.Distinct().Count());
        Assert.Equal(insurerNumbers.Count, insurerNumbers.Distinct().Count());
    }

    [Fact]
    public void Patients_HaveKanjiAndKanaNames_AndValidInsuredNumbers_AndUniqueCertificates()
    {
        var patients = All(Small).Where(r => r.Type == "Patient").ToList();
        Assert.Equal(40, patients.Count);
        foreach (var patient in patients)
        {
            using var json = JsonDocument.Parse(patient.Json);
            var root = json.RootElement;
            var names = root.GetProperty("name").EnumerateArray().ToList();
            Assert.Equal(["IDE", "SYL"], names.Select(n => n.GetProperty("extension")[0].GetProperty("valueCode").GetString()));
            Assert.Matches(Katakana(), names[1].GetProperty("family").GetString()!);
            Assert.Matches(Katakana(), names[1].GetProperty("given")[0].GetString()!);
            Assert.DoesNotMatch(Katakana(), names[0].GetProperty("family").GetString()!);

            var identifiers = root.GetProperty("identifier").EnumerateArray().ToDictionary(i => i.GetProperty("system").GetString()!, i => i.GetProperty("value").GetString()!);
            var member = identifiers[KnownSystems.InsuranceMemberId];
            var match = MemberId().Match(member);
            Assert.True(match.Success, member);
            Assert.True(CheckDigits.IsValidInsurerNumber(match.Groups["insurer"].Value), member);
            Assert.Equal(2, match.Groups["branch"].Value.Length);
            Assert.False(identifiers.ContainsKey(KnownSystems.CardCertificate));
            Assert.Matches("^(male|female)$", root.GetProperty("gender").GetString()!);
            Assert.StartsWith(root.GetProperty("address")[0].GetProperty("state").GetString()!, root.GetProperty("address")[0].GetProperty("text").GetString()!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Coverages_LinkUniqueCardCertificates()
    {
        var serials = new HashSet<string>();
        foreach (var coverage in All(Small).Where(r => r.Type == "Coverage"))
        {
            using var json = JsonDocument.Parse(coverage.Json);
            var card = json.RootElement.GetProperty("identifier").EnumerateArray().Single(i => i.GetProperty("system").GetString() == KnownSystems.CardCertificate);
            Assert.Equal(PersonGenerator.CertificateIssuer, card.GetProperty("assigner").GetProperty("display").GetString());
            Assert.True(serials.Add(card.GetProperty("value").GetString()!));
        }

        Assert.Equal(40, serials.Count);
    }

    [Fact]
    public void QualificationsOnly_GivesEachPersonsPatientAndCoverage_AsInTheFullDataset()
    {
        var options = new GeneratorOptions { People = 5, Seed = 7, Years = 1 };
        var full = new DatasetGenerator(options).PeopleBatches(5).SelectMany(b => b.Resources).Where(r => r.Type is "Patient" or "Coverage").ToList();
        var only = new DatasetGenerator(options with { QualificationsOnly = true }).PeopleBatches(5).SelectMany(b => b.Resources).ToList();

        Assert.Equal(10, only.Count);
        Assert.Equal(full.Select(r => Convert.ToHexString(r.Json)), only.Select(r => Convert.ToHexString(r.Json)));
    }

    [Fact]
    public void EveryReference_PointsToAGeneratedResource_AndEveryResourceIsValidR4()
    {
        var resources = All(Small);
        var ids = resources.Select(r => r.Reference).ToHashSet();
        Assert.Equal(resources.Count, ids.Count);
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings());
        foreach (var resource in resources)
        {
            var reader = new Utf8JsonReader(resource.Json);
            Assert.True(deserializer.TryDeserializeResource(ref reader, out _, out var issues), $"{resource.Reference}: {string.Join("; ", issues.Select(i => i.Message))}");
            foreach (Match reference in ReferenceValue().Matches(System.Text.Encoding.UTF8.GetString(resource.Json)))
            {
                Assert.Contains(reference.Groups[1].Value, ids);
            }
        }

        // Years of history of every kind.
        foreach (var type in new[] { "Encounter", "Condition", "Observation", "MedicationRequest", "MedicationDispense", "Coverage", "Practitioner" })
        {
            Assert.Contains(resources, r => r.Type == type);
        }
    }

    [Fact]
    public void DatasetWriter_WritesNdjsonPerType_TransactionBundles_AndManifest()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kakehashi-bench-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var summary = DatasetWriter.Generate(new DatasetGenerator(Small with { People = 10 }), directory, DatasetFormats.Ndjson | DatasetFormats.Bundles, gzip: false, peoplePerBundle: 2, TextWriter.Null);
            Assert.True(File.Exists(Path.Combine(directory, "manifest.json")));
            foreach (var (type, count) in summary.ResourcesByType)
            {
                var lines = File.ReadAllLines(Path.Combine(directory, type + ".ndjson"));
                Assert.Equal(count, lines.Length);
                Assert.All(lines, l => Assert.Equal(type, JsonDocument.Parse(l).RootElement.GetProperty("resourceType").GetString()));
            }

            var bundles = File.ReadAllLines(Path.Combine(directory, "bundles.ndjson"));
            Assert.Equal(summary.Bundles, bundles.Length);
            var entries = bundles.Sum(b =>
            {
                using var bundle = JsonDocument.Parse(b);
                Assert.Equal("transaction", bundle.RootElement.GetProperty("type").GetString());
                return bundle.RootElement.GetProperty("entry").GetArrayLength();
            });
            Assert.Equal(summary.Resources, entries);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"^[ァ-ヶー]+$")]
    private static partial Regex Katakana();

    [GeneratedRegex(@"^(?<insurer>\d{6}|\d{8}):(?<symbol>[^:]*):(?<number>\d+):(?<branch>\d{2})$")]
    private static partial Regex MemberId();

    [GeneratedRegex("\"reference\":\"([A-Za-z]+/[A-Za-z0-9\\-.]+)\"")]
    private static partial Regex ReferenceValue();
}
