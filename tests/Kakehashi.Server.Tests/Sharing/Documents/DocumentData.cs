using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Conformance;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// Documents for the sharing tests: the guides' own examples (tests/data/jpdata, read unmodified
/// and only adjusted in memory: the recipient, the identifier) and the tests' own fixtures.
/// </summary>
public static class DocumentData
{
    public const string ReferralExample = "jp-clins/Bundle-Bundle-CLINS-Referral-Example-01.json";
    public const string CheckupExample = "jp-eCheckupReport/Bundle-Bundle-eCheckupReport-Sample-01.json";

    /// <summary>
    /// Every referral example of the guide that the validator can check. The NoEntry example, which has
    /// no Observation, makes Firely.Fhir.Validation 3.6.0 throw inside its SliceValidator (a known
    /// defect, see JpExamples.KnownDefects).
    /// </summary>
    public static IEnumerable<string> ReferralExamples() =>
        JpExamples.All().Where(e => e.StartsWith("jp-clins/Bundle-", StringComparison.Ordinal) && e.Contains("Referral", StringComparison.Ordinal) && JpExamples.IsValid(e));

    /// <summary>The referral example's patient: born 1930-06-28, female.</summary>
    public static string ReferralPatient(string family) => PatientJson(family, "1930-06-28", "female");

    /// <summary>The checkup example's patient: born 1950-05-04, male.</summary>
    public static string CheckupPatient(string family) => PatientJson(family, "1950-05-04", "male");

    public static string PatientJson(string family, string birthDate, string gender) => new JsonObject
    {
        ["resourceType"] = "Patient",
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["value"] = Guid.NewGuid().ToString("N") }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray("花子") }),
        ["gender"] = gender,
        ["birthDate"] = birthDate,
    }.ToJsonString();

    /// <summary>A referral example addressed to <paramref name="recipient"/>, with its own document identifier (or <paramref name="identifier"/>, for a correction).</summary>
    public static JsonObject Referral(string recipient, string? identifier = null, string example = ReferralExample)
    {
        var bundle = JpExamples.Json(example);
        var composition = bundle["entry"]![0]!["resource"]!.AsObject();
        composition["identifier"]!["value"] = identifier ?? "1311234567-2021-" + Guid.NewGuid().ToString("N")[..10];
        foreach (var reference in RecipientSection(composition)["entry"]!.AsArray())
        {
            var organization = Resource(bundle, (string)reference!["reference"]!);
            if ((string?)organization?["resourceType"] == "Organization")
            {
                organization!["identifier"]![0]!["value"] = recipient;
            }
        }

        return bundle;
    }

    /// <summary>
    /// The checkup example with real numbers: the guide's dummy institution number (1311234567) and
    /// insurer number (06123456) fail their check digits, which the checkup history verifies.
    /// </summary>
    public static JsonObject Checkup(string institution, string insurer)
    {
        var bundle = JpExamples.Json(CheckupExample);
        foreach (var entry in bundle["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!;
            if ((string?)resource["resourceType"] == "Organization" && resource["identifier"]?[0] is { } identifier)
            {
                identifier["value"] = (string?)identifier["system"] == "urn:oid:1.2.392.100495.20.3.61" ? insurer : institution;
            }
        }

        return bundle;
    }

    /// <summary>The Composition's recipient section (紹介先情報, 910).</summary>
    public static JsonObject RecipientSection(JsonObject composition) =>
        composition["section"]!.AsArray().Select(s => s!.AsObject()).First(s => (string?)s["code"]!["coding"]![0]!["code"] == "910");

    public static JsonObject Composition(JsonObject bundle) => bundle["entry"]![0]!["resource"]!.AsObject();

    public static JsonObject? Resource(JsonObject bundle, string fullUrl) =>
        bundle["entry"]!.AsArray().FirstOrDefault(e => (string?)e!["fullUrl"] == fullUrl)?["resource"]?.AsObject();
}
