using System.Globalization;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.History;

/// <summary>
/// Claims, dispensing records and checkup documents as an insurer's or a pharmacy's system would
/// send them (docs/eligibility-history.md). Written for these tests, not copied from the guides.
/// </summary>
public static class HistoryFixtures
{
    public const string InstitutionSystem = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";
    public const string InsurerSystem = "urn:oid:1.2.392.100495.20.3.61";
    public const string Yj = "urn:oid:1.2.392.100495.20.1.73";
    public const string Hot9 = "urn:oid:1.2.392.200119.4.403.1";
    public const string Procedure = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure";
    public const string CheckupItem = "urn:oid:1.2.392.200119.6.1005";

    /// <summary>カルボシステイン錠２５０ｍｇ by YJ code and HOT9.</summary>
    public static readonly (string System, string Code)[] Carbocisteine = [(Yj, "2233002F1280"), (Hot9, "103831601")];

    public static readonly (string System, string Code)[] Amlodipine = [(Yj, "2171022F1023")];

    public static readonly (string System, string Code)[] Metformin = [(Yj, "3962002F1038")];

    public const string Dialysis = "140057810";    // 人工腎臓（慢性維持透析を行った場合１）（４時間未満）
    public const string Surgery = "150077510";     // 麦粒腫切開術
    public const string Transplant = "150338610";  // 生体腎移植術
    public const string FirstVisit = "111000110";  // 初診料
    public const string Anaesthesia = "150232910"; // 脊椎麻酔
    public const string AddOn = "150350670";       // 臓器移植術加算

    public sealed record Item(int Sequence, (string System, string Code)[] Codes, string Date, decimal? Quantity = null, string? Text = null);

    public static Item Drug(int sequence, (string System, string Code)[] codes, string date, decimal quantity = 14) => new(sequence, codes, date, quantity);

    public static Item Proc(int sequence, string code, string date) => new(sequence, [(Procedure, code)], date);

    public static JsonObject Claim(string type, string patient, string insurer, string provider, string claimType, IEnumerable<Item> items,
        string status = "active", string billable = "2026-10", string? claim = null)
    {
        var month = DateOnly.ParseExact(billable + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var resource = new JsonObject
        {
            ["resourceType"] = type,
            ["status"] = status,
            ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/claim-type", ["code"] = claimType }) },
            ["use"] = "claim",
            ["patient"] = new JsonObject { ["reference"] = "Patient/" + patient },
            ["billablePeriod"] = new JsonObject { ["start"] = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["end"] = month.AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            ["created"] = month.AddMonths(1).AddDays(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["insurer"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = InsurerSystem, ["value"] = insurer } },
            ["provider"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = InstitutionSystem, ["value"] = provider }, ["display"] = "テスト薬局 " + provider },
            ["item"] = new JsonArray([.. items.Select(ItemJson)]),
        };
        if (type == "ExplanationOfBenefit")
        {
            resource["outcome"] = "complete";
            resource["insurance"] = new JsonArray(new JsonObject { ["focal"] = true, ["coverage"] = new JsonObject { ["display"] = "健康保険" } });
        }
        else
        {
            resource["priority"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/processpriority", ["code"] = "normal" }) };
            resource["insurance"] = new JsonArray(new JsonObject { ["sequence"] = 1, ["focal"] = true, ["coverage"] = new JsonObject { ["display"] = "健康保険" } });
        }

        if (claim is not null)
        {
            resource["claim"] = new JsonObject { ["reference"] = claim };
        }

        return resource;
    }

    public static JsonObject Eob(string patient, string insurer, string provider, string claimType, params Item[] items) =>
        Claim("ExplanationOfBenefit", patient, insurer, provider, claimType, items);

    private static JsonNode ItemJson(Item item)
    {
        var json = new JsonObject
        {
            ["sequence"] = item.Sequence,
            ["productOrService"] = new JsonObject { ["coding"] = new JsonArray([.. item.Codes.Select(c => (JsonNode)new JsonObject { ["system"] = c.System, ["code"] = c.Code })]) },
            ["servicedDate"] = item.Date,
        };
        if (item.Text is not null)
        {
            json["productOrService"]!["text"] = item.Text;
        }

        if (item.Quantity is { } quantity)
        {
            json["quantity"] = new JsonObject { ["value"] = quantity, ["unit"] = "錠" };
        }

        return json;
    }

    /// <summary>A pharmacy's dispensing record (as an e-prescription dispensing result would be registered).</summary>
    public static JsonObject Dispense(string patient, string pharmacy, (string System, string Code)[] codes, string whenHandedOver, string? text = null)
    {
        var dispense = new JsonObject
        {
            ["resourceType"] = "MedicationDispense",
            ["status"] = "completed",
            ["medicationCodeableConcept"] = new JsonObject
            {
                ["coding"] = new JsonArray([.. codes.Select(c => (JsonNode)new JsonObject { ["system"] = c.System, ["code"] = c.Code })]),
            },
            ["subject"] = new JsonObject { ["reference"] = "Patient/" + patient },
            ["performer"] = new JsonArray(new JsonObject
            {
                ["actor"] = new JsonObject { ["type"] = "Organization", ["identifier"] = new JsonObject { ["system"] = InstitutionSystem, ["value"] = pharmacy } },
            }),
            ["quantity"] = new JsonObject { ["value"] = 21, ["unit"] = "錠" },
            ["daysSupply"] = new JsonObject { ["value"] = 7, ["unit"] = "日", ["system"] = "http://unitsofmeasure.org", ["code"] = "d" },
            ["whenHandedOver"] = whenHandedOver,
            ["dosageInstruction"] = new JsonArray(new JsonObject { ["text"] = "１日３回毎食後 １回１錠 ７日分" }),
        };
        if (text is not null)
        {
            dispense["medicationCodeableConcept"]!["text"] = text;
        }

        return dispense;
    }

    public sealed record Result(string Code, JsonObject Value);

    public static Result Height(decimal cm) => new("9N001000000000001", Quantity(cm, "cm"));

    public static Result HbA1c(decimal percent) => new("3D046000001906202", Quantity(percent, "%"));

    public static Result Metabolic(string code, string display) => new("9N501000000000011", new JsonObject
    {
        ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.392.200119.6.1008", ["code"] = code, ["display"] = display }) },
    });

    private static JsonObject Quantity(decimal value, string unit) => new()
    {
        ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = unit, ["system"] = "http://unitsofmeasure.org", ["code"] = unit },
    };

    /// <summary>An eCheckupReport document of a specific health checkup (特定健診) held on <paramref name="date"/>.</summary>
    public static JsonObject CheckupDocument(string documentId, string date, string institution, string? insurer, params Result[] results) =>
        CheckupDocument(documentId, date, institution, insurer, "1970-01-01", results);

    public static JsonObject CheckupDocument(string documentId, string date, string institution, string? insurer, string birthDate, params Result[] results)
    {
        var patient = "urn:uuid:" + Guid.NewGuid();
        var encounter = "urn:uuid:" + Guid.NewGuid();
        var organization = "urn:uuid:" + Guid.NewGuid();
        var observations = results.Select(_ => "urn:uuid:" + Guid.NewGuid()).ToList();
        var entries = new JsonArray
        {
            Entry("urn:uuid:" + Guid.NewGuid(), new JsonObject
            {
                ["resourceType"] = "Composition",
                ["status"] = "final",
                ["type"] = Coding("http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes", "53576-5", "検診・健診報告書"),
                ["category"] = new JsonArray(Coding("urn:oid:2.16.840.1.113883.2.2.1.6.1001", "10", "特定健診")),
                ["subject"] = new JsonObject { ["reference"] = patient },
                ["encounter"] = new JsonObject { ["reference"] = encounter },
                ["date"] = date + "T15:00:00+09:00",
                ["author"] = new JsonArray(new JsonObject { ["reference"] = organization }),
                ["title"] = "特定健診結果報告",
                ["custodian"] = new JsonObject { ["reference"] = organization },
                ["section"] = new JsonArray(new JsonObject
                {
                    ["title"] = "特定健診検査結果セクション",
                    ["code"] = Coding("http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code", "01011", "特定健診検査結果セクション"),
                    ["entry"] = new JsonArray([.. observations.Select(o => (JsonNode)new JsonObject { ["reference"] = o })]),
                }),
            }),
            Entry(patient, new JsonObject
            {
                ["resourceType"] = "Patient",
                ["name"] = new JsonArray(new JsonObject { ["text"] = "健診 太郎", ["family"] = "健診", ["given"] = new JsonArray("太郎") }),
                ["gender"] = "male",
                ["birthDate"] = birthDate,
            }),
            Entry(organization, new JsonObject
            {
                ["resourceType"] = "Organization",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = InstitutionSystem, ["value"] = institution }),
                ["name"] = "テスト健診センター",
            }),
            Entry(encounter, new JsonObject
            {
                ["resourceType"] = "Encounter",
                ["status"] = "finished",
                ["class"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/eCheckup/CodeSystem/encounter-category", ["code"] = "checkup" },
                ["period"] = new JsonObject { ["start"] = date, ["end"] = date },
                ["serviceProvider"] = new JsonObject { ["reference"] = organization },
            }),
        };
        if (insurer is not null)
        {
            var payer = "urn:uuid:" + Guid.NewGuid();
            entries.Add(Entry(payer, new JsonObject
            {
                ["resourceType"] = "Organization",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = InsurerSystem, ["value"] = insurer }),
                ["name"] = "テスト健康保険組合",
            }));
            entries.Add(Entry("urn:uuid:" + Guid.NewGuid(), new JsonObject
            {
                ["resourceType"] = "Coverage",
                ["status"] = "active",
                ["beneficiary"] = new JsonObject { ["reference"] = patient },
                ["payor"] = new JsonArray(new JsonObject { ["reference"] = payer }),
            }));
        }

        for (var i = 0; i < results.Length; i++)
        {
            var observation = new JsonObject
            {
                ["resourceType"] = "Observation",
                ["status"] = "final",
                ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = CheckupItem, ["code"] = results[i].Code }) },
                ["subject"] = new JsonObject { ["reference"] = patient },
                ["effectiveDateTime"] = date,
                ["performer"] = new JsonArray(new JsonObject { ["reference"] = organization }),
            };
            foreach (var (key, value) in results[i].Value)
            {
                observation[key] = value!.DeepClone();
            }

            entries.Add(Entry(observations[i], observation));
        }

        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["identifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/IdSystem/documentInstance-identifier", ["value"] = documentId },
            ["type"] = "document",
            ["timestamp"] = date + "T15:00:00+09:00",
            ["entry"] = entries,
        };
    }

    /// <summary>Names the insured person in the document's Coverage (JP Core 記号 / 番号 / 枝番 extensions).</summary>
    public static JsonObject WithInsuredPerson(JsonObject document, string symbol, string number, string branch)
    {
        var coverage = document["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["resourceType"] == "Coverage");
        coverage["extension"] = new JsonArray(
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol", ["valueString"] = symbol },
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber", ["valueString"] = number },
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber", ["valueString"] = branch });
        return document;
    }

    /// <summary>A qualification (docs/eligibility.md) of <paramref name="patient"/> under insured number insurer:symbol:number:branch.</summary>
    public static string Qualification(string patient, string insurer, string symbol, string number, string branch) => new JsonObject
    {
        ["resourceType"] = "Coverage",
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID", ["value"] = $"{insurer}:{symbol}:{number}:{branch}" }),
        ["status"] = "active",
        ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory", ["code"] = "1" }) },
        ["beneficiary"] = new JsonObject { ["reference"] = "Patient/" + patient },
        ["period"] = new JsonObject { ["start"] = "2020-04-01" },
        ["payor"] = new JsonArray(new JsonObject { ["identifier"] = new JsonObject { ["system"] = InsurerSystem, ["value"] = insurer } }),
    }.ToJsonString();

    private static JsonObject Entry(string fullUrl, JsonObject resource) => new() { ["fullUrl"] = fullUrl, ["resource"] = resource };

    private static JsonObject Coding(string system, string code, string display) =>
        new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code, ["display"] = display }) };

    /// <summary>The entries of a view (search mode match).</summary>
    public static List<JsonNode> Matches(JsonNode bundle) =>
        [.. bundle["entry"]?.AsArray().Where(e => (string?)e!["search"]?["mode"] == "match").Select(e => e!["resource"]!) ?? []];

    public static List<string?> Tags(JsonNode resource) =>
        [.. (resource["meta"]?["tag"]?.AsArray() ?? []).Where(t => (string?)t!["system"] == "http://kakehashi.jp/fhir/CodeSystem/history-source").Select(t => (string?)t!["code"]).Order(StringComparer.Ordinal)];

    public static List<string?> Sources(JsonNode resource) =>
        [.. (resource["extension"]?.AsArray() ?? []).Where(e => (string?)e!["url"] == "http://kakehashi.jp/fhir/StructureDefinition/derived-from")
            .Select(e => (string?)e!["valueReference"]!["reference"]).Order(StringComparer.Ordinal)];

    /// <summary>A Parameters body without the document: what a client sends by mistake.</summary>
    public const string ParametersWithoutDocument = """{"resourceType":"Parameters","parameter":[{"name":"note","valueString":"no document"}]}""";

    public static Task<JsonNode> CreatePatientAsync(HttpClient client, string family) => client.CreateAsync(FhirHttp.PatientJson(FhirHttp.Unique(family)));
}
