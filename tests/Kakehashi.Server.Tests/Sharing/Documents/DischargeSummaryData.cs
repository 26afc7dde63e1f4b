using System.Text.Json.Nodes;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// A discharge summary (退院時サマリー, <c>JP_Bundle_eDischargeSummary</c>) for the sharing tests. The
/// guides publish no discharge-summary example (neither JP-CLINS 1.5.x nor the eDischargeSummary
/// package, see tests/data/jpdata/README.md), so this is the tests' own fixture, built in memory —
/// the guide's files stay unmodified on disk — from the JP-CLINS referral example's resources (its
/// patient, practitioners, institutions, conditions, allergies, findings and clinical-course
/// document), recast as one inpatient stay with the Composition the discharge-summary profile asks
/// for: type 18842-5, category DISCHARGE, the stay as its event, and the structured sections that
/// profile requires. Like a referral it names the recipient institution in a 紹介先情報 section (910):
/// in the information sharing service a discharge summary travels to the institution the patient
/// is referred to.
/// </summary>
public static class DischargeSummaryData
{
    public const string BundleProfile = "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary";
    public const string CompositionProfile = "http://jpfhir.jp/fhir/eDischargeSummary/StructureDefinition/JP_Composition_eDischargeSummary";
    public const string SectionSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/document-section";

    // The referral example's entries this fixture refers to, by fullUrl.
    private const string Stay = "urn:uuid:7cad1f19-3435-451d-9a71-a81b61f3358e";
    private const string ReferralPurpose = "urn:uuid:3acc3dc7-c79b-41f1-8eea-ac4de9b664b8";
    private const string MainDiagnosis = "urn:uuid:6a31db8e-109d-4349-b0cf-095131c3307a";
    private const string ChiefComplaint = "urn:uuid:a9358f3e-c743-4998-aa89-1be54c31b432";
    private const string PresentIllness = "urn:uuid:5eab50b2-6741-467c-a2fd-a4adab1f835f";
    private const string PastIllness1 = "urn:uuid:5c650562-f4e4-40b3-87c6-e9a0376be7a8";
    private const string PastIllness2 = "urn:uuid:a28198b9-6a23-4677-ba2e-5eb3e17d9792";
    private const string Findings = "urn:uuid:481835ef-0891-45de-a006-087954ab6b7c";
    private const string Course = "urn:uuid:a6e4fc73-a749-4583-94a7-18e4241b4c75";

    public const string Admitted = "2020-08-01";
    public const string Discharged = "2020-08-20";

    /// <summary>A discharge summary addressed to <paramref name="recipient"/>, with its own document identifier (or <paramref name="identifier"/>).</summary>
    public static JsonObject DischargeSummary(string recipient, string? identifier = null)
    {
        var bundle = DocumentData.Referral(recipient, identifier ?? "1311234567-2020-DS-" + Guid.NewGuid().ToString("N")[..10]);
        bundle["id"] = "discharge-summary-" + Guid.NewGuid().ToString("N")[..10];
        bundle["meta"]!["profile"] = new JsonArray(BundleProfile);
        bundle["identifier"]!["value"] = "1319876543^2020^DS-" + Guid.NewGuid().ToString("N")[..12];

        // One Encounter only (the profile's encounter slice is 1..1): the referral's purpose goes.
        var entries = bundle["entry"]!.AsArray();
        entries.Remove(entries.First(e => (string?)e!["fullUrl"] == ReferralPurpose));

        // The referral's outpatient visit becomes the inpatient stay.
        var stay = DocumentData.Resource(bundle, Stay)!;
        var inpatient = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "IMP", ["display"] = "入院" };
        stay["class"] = inpatient;
        stay["classHistory"] = new JsonArray(new JsonObject { ["class"] = inpatient.DeepClone(), ["period"] = new JsonObject { ["start"] = Admitted, ["end"] = Discharged } });
        stay["period"] = new JsonObject { ["start"] = Admitted, ["end"] = Discharged };

        var composition = DocumentData.Composition(bundle);
        composition["id"] = "compositionDischargeSummary";
        composition["meta"]!["profile"] = new JsonArray(CompositionProfile);
        composition["title"] = "退院時サマリー";
        composition["type"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes", ["code"] = "18842-5", ["display"] = "退院時サマリー" }),
        };
        composition["category"] = new JsonArray(new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes", ["code"] = "DISCHARGE", ["display"] = "退院時文書" }),
        });
        composition["event"] = new JsonArray(new JsonObject { ["period"] = new JsonObject { ["start"] = Admitted, ["end"] = Discharged } });
        composition["date"] = Discharged + "T12:00:00+09:00";

        // The sender (920) and recipient (910) sections stay; the structured information is the stay's.
        var sections = composition["section"]!.AsArray();
        var kept = sections.Select(s => s!.AsObject()).Where(s => Code(s) is "920" or "910").Select(s => (JsonNode)s.DeepClone()).ToList();
        kept.Add(Parent("300", "構造情報",
            Section("322", "入院時詳細", "2020年8月1日 入院", Stay),
            Section("342", "入院時診断", "入院時診断", MainDiagnosis),
            Section("352", "主訴", "主訴", ChiefComplaint),
            Section("312", "入院理由", "精査加療目的の入院", Stay),
            Section("362", "現病歴", "現病歴", PresentIllness),
            Section("372", "既往歴", "既往歴", PastIllness1, PastIllness2),
            Section("612", "入院時身体所見", "入院時身体所見", Findings),
            Section("333", "入院中経過", "入院中経過", Course),
            Section("324", "退院時詳細", "2020年8月20日 軽快退院", Stay),
            Section("344", "退院時診断", "退院時診断", MainDiagnosis),
            Section("444", "退院時投薬指示", "退院時処方なし"),
            Section("424", "退院時方針指示", "外来にて経過観察")));
        composition["section"] = new JsonArray([.. kept]);
        return bundle;
    }

    /// <summary>The structured section (300) of a discharge summary.</summary>
    public static JsonObject StructuredSection(JsonObject bundle) =>
        DocumentData.Composition(bundle)["section"]!.AsArray().Select(s => s!.AsObject()).First(s => Code(s) == "300");

    private static string? Code(JsonObject section) => (string?)section["code"]?["coding"]?[0]?["code"];

    private static JsonObject Section(string code, string title, string? text, params string[] entries)
    {
        var section = new JsonObject
        {
            ["title"] = title,
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = SectionSystem, ["code"] = code, ["display"] = title + "セクション" }) },
        };
        if (text is not null)
        {
            section["text"] = new JsonObject { ["status"] = "additional", ["div"] = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{text}</div>" };
        }

        if (entries.Length > 0)
        {
            section["entry"] = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject { ["reference"] = e })]);
        }

        return section;
    }

    private static JsonObject Parent(string code, string title, params JsonObject[] subsections)
    {
        var section = Section(code, title, null);
        section["section"] = new JsonArray([.. subsections]);
        return section;
    }
}
