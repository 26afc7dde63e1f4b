using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>The JP example resources kept as test data (tests/data/jpdata/examples).</summary>
public static class JpExamples
{
    /// <summary>Every example, relative to the examples folder (e.g. <c>jp-core/Patient-jp-patient-example-1.json</c>).</summary>
    public static IReadOnlyList<string> All()
    {
        var root = TestData.Path("jpdata", "examples");
        return [.. Directory.GetFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    public static string Text(string example) => File.ReadAllText(Path.Combine(TestData.Path("jpdata", "examples"), example));

    public static JsonObject Json(string example) => JsonNode.Parse(Text(example))!.AsObject();

    /// <summary>The examples that conform to the shipped packages (not *ErrorExample*, not a known defect of the draft guides).</summary>
    public static bool IsValid(string example) =>
        !example.Contains("ErrorExample", StringComparison.Ordinal) && !KnownDefects.Contains(example);

    /// <summary>Mirrors the list (with reasons) in Kakehashi.Fhir.Tests' ExampleValidationTests.</summary>
    public static readonly IReadOnlySet<string> KnownDefects = new HashSet<string>
    {
        "jp-ePrescriptionData/Organization-JP-Organization-ePreData-issuer-Example.json",
        "jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json",
        "jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreData-Example01.json",
        "jp-ePrescriptionData/Practitioner-JP-Practitioner-ePreData-author-Example.json",
        "jp-ePrescriptionData/Composition-JP-Composition-ePreBundleExample01.json",
        "jp-clins/Bundle-Bundle-CLINS-Referral-NoEntry-Example-01.json",
    };
}
