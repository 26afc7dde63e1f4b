using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kakehashi.Server.Tests.Sharing;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// 6情報 and 救急時サマリー in a real browser against the real server: two institutions register the
/// patient's clinical items through <c>$submit-clinical-items</c> (one diagnosis flagged 未告知), a
/// third institution with the patient's consent opens the screen, and a hospital doctor without
/// consent states a reason for the emergency summary. Checked: sources, the 未告知 notice, the lab
/// chart with its reference range, the recorded-reason flow and its banner.
/// </summary>
public sealed class SharingClinicalItemsScreenTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    private async Task<(string Patient, string HospitalCode, string ClinicCode)> PatientWithItemsAsync(string family)
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, family);
        var hospital = await server.RegisterClientAsync("doctor", "hospital");
        var clinic = await server.RegisterClientAsync("doctor", "clinic");
        using var hospitalClient = server.CreateClient(hospital);
        using var clinicClient = server.CreateClient(clinic);
        var today = ClinicalItemsData.Today;
        JsonObject HbA1c(string key, decimal value, int daysAgo)
        {
            var lab = ClinicalItemsData.Lab(key, "3D046000001921002", "HbA1c", value, today.AddDays(-daysAgo));
            lab["valueQuantity"]!["unit"] = "%";
            lab["referenceRange"] = new JsonArray(new JsonObject { ["low"] = new JsonObject { ["value"] = 4.6 }, ["high"] = new JsonObject { ["value"] = 6.2 } });
            return lab;
        }

        await Submit(hospitalClient, patient, ClinicalItemsData.Diagnosis("d1", "20066412", "2型糖尿病"),
            HbA1c("l1", 7.9m, 180), HbA1c("l2", 7.6m, 90), HbA1c("l3", 7.4m, 5),
            ClinicalItemsData.Prescription("m1", today.AddDays(-5)),
            ClinicalItemsData.Example("AllergyIntolerance-Example-JP-AllergyIntolerance-eCS-03.json"));
        await Submit(clinicClient, patient, ClinicalItemsData.Diagnosis("d2", "20064049", "膵癌", tags: "UNINFORMED"),
            ClinicalItemsData.Example("AllergyIntolerance-Example-JP-AllergyIntolerance-eCS-01.json"));
        return (patient, hospital.OrganizationCode, clinic.OrganizationCode);
    }

    private static async Task Submit(HttpClient sender, string patient, params JsonObject[] items) =>
        await (await sender.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-clinical-items", ClinicalItemsData.Bundle(items).ToJsonString())).ExpectAsync(HttpStatusCode.OK);

    [Fact]
    public async Task ClinicalItems_ShowEachSource_TheUninformedNotice_AndALabChart()
    {
        var (patient, hospitalCode, clinicCode) = await PatientWithItemsAsync("共有");
        var viewer = await server.CreateOrganizationAsync("hospital");
        await TestConsents.GrantAsync(server.Client, patient, viewer, "clinical-items", "medication");
        var doctor = await server.CreateAccountAsync("doctor", viewer);
        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/clinical-items/" + patient);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "6情報（電子カルテ情報共有サービス）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("共有 花子");
        var diagnoses = page.Locator("#items-diagnoses");
        await Expect(diagnoses).ToContainTextAsync("2型糖尿病");
        await Expect(diagnoses.Locator("tr", new() { HasText = "2型糖尿病" })).ToContainTextAsync(hospitalCode);
        await Expect(diagnoses.Locator("tr", new() { HasText = "膵癌" })).ToContainTextAsync(clinicCode);
        await Expect(diagnoses.Locator("tr", new() { HasText = "膵癌" })).ToContainTextAsync("未告知");
        await Expect(diagnoses.Locator("tr", new() { HasText = "2型糖尿病" })).Not.ToContainTextAsync("未告知");
        await Expect(page.Locator("#uninformed-notice")).ToContainTextAsync("患者さんにまだ告知していません");
        await Expect(page.Locator("#items-allergies")).ToContainTextAsync("さば");
        await Expect(page.Locator("#items-contraindications")).ToContainTextAsync("ヨードうがい液");
        await Expect(page.Locator("#items-prescriptions")).ToContainTextAsync("クアゼパム");
        var labs = page.Locator("#items-labs");
        await Expect(labs.Locator("canvas#lab-chart-0")).ToHaveAttributeAsync("aria-label", new Regex("HbA1c: .*7.4%.*基準範囲 4.6–6.2%"));
        var newest = ClinicalItemsData.Today.AddDays(-5);
        await Expect(labs).ToContainTextAsync($"{newest.Year}年{newest.Month}月{newest.Day}日");
    }

    [Fact]
    public async Task EmergencySummary_NeedsAReason_RecordsIt_AndShowsTheRecordedBanner()
    {
        var (patient, _, _) = await PatientWithItemsAsync("救急");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/emergency/" + patient);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "救急時医療情報閲覧（救急時サマリー）" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "理由を記録して閲覧する" }).ClickAsync();
        await Expect(page.Locator("#reason-error")).ToContainTextAsync("閲覧の理由を入力してください。");

        const string Reason = "意識障害で救急搬送。既往歴と服薬の確認のため";
        await page.GetByLabel("閲覧の理由").FillAsync(Reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "理由を記録して閲覧する" }).ClickAsync();
        await Expect(page.Locator("#emergency-banner")).ToContainTextAsync("記録され、患者さんに通知されます");
        await Expect(page.Locator("#emergency-summary")).ToContainTextAsync("ヨードうがい液");
        await Expect(page.Locator("#emergency-summary")).ToContainTextAsync("クアゼパム");
        await Expect(page.Locator("#emergency-summary")).ToContainTextAsync("2型糖尿病");

        // The server recorded the grant with the doctor's reason: the patient's access log will show it.
        var audit = await (await server.Client.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(audit.AsArray(), r => (string?)r!["record"]!["reason"] == Reason && (bool)r["record"]!["emergency"]!);
    }
}
