using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Conformance;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// Prescription documents as a prescriber's system sends them: the ePrescriptionData guide's
/// example Bundle with the insured person and the drug lines of the test, and the two known
/// defects of the draft example mended (JP Core 1.1.2 wants the issuer's prefecture and
/// institution-number extensions as valueCoding).
/// </summary>
public static class PrescriptionData
{
    private const string Example = "jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json";

    public const string Yj = "urn:oid:1.2.392.100495.20.1.73";

    /// <summary>Real products of the shipped price list (2025-07-16).</summary>
    public static readonly Drug Loxonin = new("1149019F1560", "ロキソニン錠６０ｍｇ");
    public static readonly Drug LoxoprofenGeneric = new("1149019F1013", "ロキソプロフェンナトリウム６０ｍｇ錠");
    public static readonly Drug LoxoprofenGel = new("2649735Q1020", "ロキソニンゲル１％");
    public static readonly Drug LoxoprofenPoultice = new("2649735S1028", "ロキソニンパップ１００ｍｇ");
    public static readonly Drug Triazolam = new("1124007F2018", "トリアゾラム０．２５ｍｇ錠");
    public static readonly Drug Itraconazole = new("6290004M1029", "イトリゾールカプセル５０");
    public static readonly Drug Amlodipine = new("2171022F1029", "ノルバスク錠２．５ｍｇ");
    public static readonly Drug Carbocisteine = new("2233002F1174", "ムコダイン錠２５０ｍｇ");
    public static readonly Drug Opium = new("8112001B1013", "アヘン散");
    public static readonly Drug Unknown = new("9999999X9999", "院内製剤");

    public sealed record Drug(string Code, string Name);

    public sealed record Line(Drug Drug, int Days, bool AsNeeded = false);

    public static JsonObject Document(string insurer, string symbol, string number, string branch, IReadOnlyList<Line> lines, int repeats = 0, string institution = "1311234567")
    {
        var bundle = JpExamples.Json(Example);
        bundle.Remove("id");
        bundle["identifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/Common/IdSystem/resourceInstance-identifier", ["value"] = Guid.NewGuid().ToString("N") };
        var entries = bundle["entry"]!.AsArray();
        JsonObject Resource(string type, Func<JsonObject, bool>? where = null) =>
            entries.Select(e => e!["resource"]!.AsObject()).First(r => (string?)r["resourceType"] == type && (where is null || where(r)));

        var issuer = Resource("Organization", r => ((string?)r["id"])!.Contains("issuer", StringComparison.Ordinal));
        foreach (var extension in issuer["extension"]!.AsArray().Where(e => !((string)e!["url"]!).EndsWith("InsuranceOrganizationNo", StringComparison.Ordinal)))
        {
            var identifier = extension!["valueIdentifier"]!.AsObject();
            extension.AsObject().Remove("valueIdentifier");
            extension["valueCoding"] = new JsonObject { ["system"] = (string?)identifier["system"], ["code"] = (string?)identifier["value"] };
        }

        issuer["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no", ["value"] = institution });

        // The guide's invariants want the licence's category system with underscores, and — once a second
        // qualification (the narcotics licence) is present — every category with JP Core's hyphens: they
        // cannot both hold, so the draft guide's example fails them. Our prescriber states the licence only.
        Resource("Practitioner")["qualification"]!.AsArray().RemoveAt(1);
        Resource("Practitioner")["qualification"]![0]!["code"]!["coding"] = new JsonArray(
            new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category", ["code"] = "MedicalDoctorLicense" });

        var coverage = Resource("Coverage", r => r["extension"] is not null);
        coverage["extension"] = new JsonArray(
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol", ["valueString"] = symbol },
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber", ["valueString"] = number },
            new JsonObject { ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber", ["valueString"] = branch });
        coverage["dependent"] = branch;
        var payor = Resource("Organization", r => ((string?)r["id"])!.Contains("coveragePayer", StringComparison.Ordinal));
        payor["identifier"]![0]!["value"] = insurer;

        var template = entries.First(e => (string?)e!["resource"]!["resourceType"] == "MedicationRequest")!.DeepClone().AsObject();
        var requests = entries.Where(e => (string?)e!["resource"]!["resourceType"] == "MedicationRequest").ToList();
        var at = entries.IndexOf(requests[0]);
        foreach (var request in requests)
        {
            entries.Remove(request);
        }

        var section = Resource("Composition")["section"]![0]!["entry"]!.AsArray();
        foreach (var reference in section.Where(s => ((string?)s!["display"])!.Contains("MedicationRequest", StringComparison.Ordinal)).ToList())
        {
            section.Remove(reference);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var entry = (JsonObject)template.DeepClone();
            var fullUrl = "urn:uuid:" + Guid.NewGuid();
            entry["fullUrl"] = fullUrl;
            var resource = entry["resource"]!.AsObject();
            resource["id"] = "rp" + (i + 1);
            resource["identifier"]![0]!["value"] = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            resource["medicationCodeableConcept"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = Yj, ["code"] = lines[i].Drug.Code, ["display"] = lines[i].Drug.Name }),
                ["text"] = lines[i].Drug.Name,
            };
            var dosage = resource["dosageInstruction"]![0]!.AsObject();
            dosage["timing"]!["repeat"]!["boundsDuration"]!["value"] = lines[i].Days;
            dosage["extension"]![0]!["valueDuration"]!["value"] = lines[i].Days;
            if (lines[i].AsNeeded)
            {
                dosage["asNeededBoolean"] = true;
            }

            resource["dispenseRequest"]!["expectedSupplyDuration"]!["value"] = lines[i].Days;
            resource["dispenseRequest"]!["quantity"]!["value"] = lines[i].Days * 3;
            if (repeats > 0)
            {
                resource["dispenseRequest"]!["numberOfRepeatsAllowed"] = repeats;
            }

            entries.Insert(at + i, entry);
            section.Insert(4 + i, new JsonObject { ["reference"] = fullUrl, ["display"] = "MedicationRequest " + (i + 1) });
        }

        return bundle;
    }

    /// <summary>A pharmacy's dispensing result: one MedicationDispense per drug, as a collection Bundle.</summary>
    public static JsonObject Dispensing(IReadOnlyList<Line> lines) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "collection",
        ["entry"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject
        {
            ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(),
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "MedicationDispense",
                ["status"] = "completed",
                ["medicationCodeableConcept"] = new JsonObject
                {
                    ["coding"] = new JsonArray(new JsonObject { ["system"] = Yj, ["code"] = l.Drug.Code, ["display"] = l.Drug.Name }),
                    ["text"] = l.Drug.Name,
                },
                ["subject"] = new JsonObject { ["reference"] = "Patient/unknown-to-the-pharmacy" },
                ["quantity"] = new JsonObject { ["value"] = l.Days * 3, ["unit"] = "錠" },
                ["daysSupply"] = new JsonObject { ["value"] = l.Days, ["unit"] = "日", ["system"] = "http://unitsofmeasure.org", ["code"] = "d" },
                ["dosageInstruction"] = new JsonArray(new JsonObject { ["text"] = "1日3回毎食後" }),
            },
        })]),
    };
}
