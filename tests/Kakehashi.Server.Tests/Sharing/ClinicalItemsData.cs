using System.Globalization;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Sharing;

/// <summary>
/// Clinical-items Bundles built from the JP-CLINS examples the tests carry (tests/data/jpdata,
/// read unmodified and changed in memory only): diagnoses, lab results and prescriptions with the
/// identifiers, codes and days a test needs.
/// </summary>
public static class ClinicalItemsData
{
    public const string InstanceIdentifier = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier";
    public const string Indication = "http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication";
    public const string CoreLab = "http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS";
    public const string Potassium = "3H015000002327201";
    public const string Albumin = "3A015000002329101";

    public const string YjCode = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code";
    public const string GeneralNameCode = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode";

    public static JsonObject Example(string file) =>
        JsonNode.Parse(File.ReadAllText(TestData.Path("jpdata", "examples", "jp-clins", file)))!.AsObject();

    /// <summary>The file names of the guide's valid MedicationRequest examples, in name order.</summary>
    public static IReadOnlyList<string> PrescriptionExamples() =>
        [.. Directory.GetFiles(TestData.Path("jpdata", "examples", "jp-clins"), "MedicationRequest-Example-*.json")
            .Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static JsonObject Bundle(params JsonObject[] items) => new()
    {
        ["resourceType"] = "Bundle",
        ["meta"] = new JsonObject { ["profile"] = new JsonArray("http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS|1") },
        ["type"] = "collection",
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        ["entry"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(), ["resource"] = i })]),
    };

    /// <summary>A confirmed diagnosis of <paramref name="name"/>, identified within its sender by <paramref name="key"/>.</summary>
    public static JsonObject Diagnosis(string key, string code, string name, string? department = null, DateOnly? ended = null, params string[] tags)
    {
        var condition = Item("Condition-Example-JP-Condition-eCS-01.json", key);
        condition["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://medis.or.jp/CodeSystem/master-disease-keyNumber", ["code"] = code, ["display"] = name }),
            ["text"] = name,
        };
        var extensions = condition["extension"]!.AsArray();
        for (var i = extensions.Count - 1; i >= 0; i--)
        {
            if (((string?)extensions[i]!["url"])!.EndsWith("JP_eCS_Department", StringComparison.Ordinal))
            {
                extensions.RemoveAt(i);
            }
        }

        if (department is not null)
        {
            extensions.Add(new JsonObject
            {
                ["url"] = "http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department",
                ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment", ["code"] = department }) },
            });
        }

        if (ended is { } end)
        {
            condition["clinicalStatus"]!["coding"]![0]!["code"] = "resolved";
            condition["abatementDateTime"] = Day(end);
        }

        Tag(condition, tags);
        return condition;
    }

    /// <summary>A final lab result of the core lab code <paramref name="jlac10"/> on <paramref name="day"/>.</summary>
    public static JsonObject Lab(string key, string jlac10, string name, decimal value, DateOnly day)
    {
        var observation = Item("Observation-Example-JP-Obs-LabResult-eCS-K.json", key);
        observation["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = CoreLab, ["code"] = jlac10, ["display"] = name }),
            ["text"] = name,
        };
        observation["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = "mEq/L" };
        observation["effectiveDateTime"] = Day(day) + "T10:00:00+09:00";
        observation["issued"] = Day(day) + "T15:00:00+09:00";
        return observation;
    }

    /// <summary>A completed prescription issued on <paramref name="day"/>.</summary>
    public static JsonObject Prescription(string key, DateOnly day)
    {
        var request = Item("MedicationRequest-Example-JP-MedReq-PO-SID-28days.json", key);
        request["authoredOn"] = Day(day) + "T10:00:00+09:00";
        return request;
    }

    public static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9)).DateTime);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static void Tag(JsonObject resource, params string[] codes)
    {
        var meta = resource["meta"]!.AsObject();
        meta.Remove("tag");
        if (codes.Length > 0)
        {
            meta["tag"] = new JsonArray([.. codes.Select(c => (JsonNode)new JsonObject { ["system"] = Indication, ["code"] = c })]);
        }
    }

    private static JsonObject Item(string example, string key)
    {
        var item = Example(example);
        item.Remove("id");
        item.Remove("text");
        item["meta"]!.AsObject().Remove("tag");
        var identifiers = item["identifier"]!.AsArray();
        for (var i = identifiers.Count - 1; i >= 0; i--)
        {
            if ((string?)identifiers[i]!["system"] == InstanceIdentifier)
            {
                identifiers.RemoveAt(i);
            }
        }

        identifiers.Add(new JsonObject { ["system"] = InstanceIdentifier, ["value"] = key });
        return item;
    }
}
