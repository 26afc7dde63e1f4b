using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// 6情報 and 救急時サマリー in a real browser. The patient and the sign-in are real; the views'
/// answers ($clinical-items, $emergency-access, $emergency-summary) are served by the browser from
/// <see cref="ClinicalItemsBundle"/> in the shape docs/sharing.md gives (JP-CLINS resources with
/// their institution-number extension and the UNINFORMED tag): those operations are built on the
/// branch sharing-items, whose contract tests cover the server side. What is checked here is the
/// screen: sources, the 未告知 notice, the lab chart, the recorded-reason flow and its banner.
/// </summary>
public sealed class SharingClinicalItemsScreenTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    private const string Hospital = "1311234569";
    private const string Clinic = "1317654323";

    [Fact]
    public async Task ClinicalItems_ShowEachSource_TheUninformedNotice_AndALabChart()
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, "共有");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var page = await server.NewPageAsync();
        await page.RouteAsync(new Regex(@"/fhir/Patient/[^/]+/\$clinical-items"), route =>
            route.FulfillAsync(new() { Status = 200, ContentType = "application/fhir+json", Body = ClinicalItemsBundle().ToJsonString() }));
        page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/clinical-items/" + patient, page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "6情報（電子カルテ情報共有サービス）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("共有 花子");
        var diagnoses = page.Locator("#items-diagnoses");
        await Expect(diagnoses).ToContainTextAsync("2型糖尿病");
        await Expect(diagnoses).ToContainTextAsync("架け橋デモ病院");
        await Expect(diagnoses).ToContainTextAsync(Clinic);
        await Expect(diagnoses.Locator("tr", new() { HasText = "膵癌" })).ToContainTextAsync("未告知");
        await Expect(diagnoses.Locator("tr", new() { HasText = "2型糖尿病" })).Not.ToContainTextAsync("未告知");
        await Expect(page.Locator("#uninformed-notice")).ToContainTextAsync("患者さんにまだ告知していません");
        await Expect(page.Locator("#items-allergies")).ToContainTextAsync("そば");
        await Expect(page.Locator("#items-contraindications")).ToContainTextAsync("ペニシリン");
        await Expect(page.Locator("#items-prescriptions")).ToContainTextAsync("メトホルミン");
        var labs = page.Locator("#items-labs");
        await Expect(labs.Locator("canvas#lab-chart-0")).ToHaveAttributeAsync("aria-label", new Regex("HbA1c: .*7.4%.*基準範囲 4.6–6.2%"));
        await Expect(labs).ToContainTextAsync("2026年11月2日");
    }

    [Fact]
    public async Task EmergencySummary_NeedsAReason_RecordsIt_AndShowsTheRecordedBanner()
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, "救急");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var page = await server.NewPageAsync();
        string? reason = null;
        await page.RouteAsync(new Regex(@"/fhir/Patient/[^/]+/\$emergency-access"), async route =>
        {
            reason = (string?)JsonNode.Parse(route.Request.PostData ?? "{}")?["parameter"]?[0]?["valueString"];
            await route.FulfillAsync(new() { Status = 200, ContentType = "application/fhir+json", Body = """{"resourceType":"Parameters"}""" });
        });
        await page.RouteAsync(new Regex(@"/fhir/Patient/[^/]+/\$emergency-summary"), route =>
            route.FulfillAsync(new() { Status = 200, ContentType = "application/fhir+json", Body = ClinicalItemsBundle().ToJsonString() }));
        page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/emergency/" + patient, page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "救急時医療情報閲覧（救急時サマリー）" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "理由を記録して閲覧する" }).ClickAsync();
        await Expect(page.Locator("#reason-error")).ToContainTextAsync("閲覧の理由を入力してください。");
        Assert.Null(reason);

        await page.GetByLabel("閲覧の理由").FillAsync("意識障害で救急搬送。既往歴と服薬の確認のため");
        await page.GetByRole(AriaRole.Button, new() { Name = "理由を記録して閲覧する" }).ClickAsync();
        await Expect(page.Locator("#emergency-banner")).ToContainTextAsync("記録され、患者さんに通知されます");
        await Expect(page.Locator("#emergency-summary")).ToContainTextAsync("ペニシリン");
        await Expect(page.Locator("#emergency-summary")).ToContainTextAsync("メトホルミン");
        Assert.Equal("意識障害で救急搬送。既往歴と服薬の確認のため", reason);
    }

    /// <summary>Two institutions' items: diagnoses (one 未告知), a food allergy, a drug contraindication, three HbA1c results with their range, a prescription.</summary>
    public static JsonObject ClinicalItemsBundle()
    {
        static JsonObject Source(string code, string name) => new()
        {
            ["url"] = "http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber",
            ["valueIdentifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no", ["value"] = code, ["assigner"] = new JsonObject { ["display"] = name } },
        };
        static JsonObject Entry(JsonObject resource) => new() { ["resource"] = resource, ["search"] = new JsonObject { ["mode"] = "match" } };
        static JsonObject Condition(string id, string text, string date, JsonObject source, bool uninformed = false) => new()
        {
            ["resourceType"] = "Condition",
            ["id"] = id,
            ["code"] = new JsonObject { ["text"] = text },
            ["recordedDate"] = date,
            ["extension"] = new JsonArray(source),
            ["meta"] = uninformed ? new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication", ["code"] = "UNINFORMED" }) } : new JsonObject(),
        };
        static JsonObject HbA1c(string id, string date, double value) => new()
        {
            ["resourceType"] = "Observation",
            ["id"] = id,
            ["status"] = "final",
            ["effectiveDateTime"] = date,
            ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["code"] = "laboratory" }) }),
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.392.200119.4.504", ["code"] = "3D046000001906202" }), ["text"] = "HbA1c" },
            ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = "%" },
            ["referenceRange"] = new JsonArray(new JsonObject { ["low"] = new JsonObject { ["value"] = 4.6 }, ["high"] = new JsonObject { ["value"] = 6.2 } }),
            ["extension"] = new JsonArray(Source(Hospital, "架け橋デモ病院")),
        };
        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray(
                Entry(Condition("d1", "2型糖尿病", "2025-04-10", Source(Hospital, "架け橋デモ病院"))),
                Entry(Condition("d2", "膵癌", "2026-10-20", Source(Clinic, "架け橋デモクリニック"), uninformed: true)),
                Entry(new JsonObject { ["resourceType"] = "AllergyIntolerance", ["id"] = "a1", ["category"] = new JsonArray("food"), ["code"] = new JsonObject { ["text"] = "そば" }, ["recordedDate"] = "2024-06-01", ["extension"] = new JsonArray(Source(Clinic, "架け橋デモクリニック")) }),
                Entry(new JsonObject { ["resourceType"] = "AllergyIntolerance", ["id"] = "a2", ["category"] = new JsonArray("medication"), ["code"] = new JsonObject { ["text"] = "ペニシリン系抗生物質" }, ["recordedDate"] = "2023-02-01", ["extension"] = new JsonArray(Source(Hospital, "架け橋デモ病院")) }),
                Entry(HbA1c("l1", "2026-05-11", 7.9)),
                Entry(HbA1c("l2", "2026-08-03", 7.6)),
                Entry(HbA1c("l3", "2026-11-02", 7.4)),
                Entry(new JsonObject
                {
                    ["resourceType"] = "MedicationRequest",
                    ["id"] = "m1",
                    ["status"] = "active",
                    ["intent"] = "order",
                    ["authoredOn"] = "2026-11-02",
                    ["medicationCodeableConcept"] = new JsonObject { ["text"] = "メトホルミン塩酸塩錠250mg" },
                    ["dosageInstruction"] = new JsonArray(new JsonObject { ["text"] = "1回1錠 1日2回朝夕食後" }),
                    ["extension"] = new JsonArray(Source(Hospital, "架け橋デモ病院")),
                })),
        };
    }
}
