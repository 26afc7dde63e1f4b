using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// 診療情報提供書の作成 in a real browser: a clinic doctor opens the patient, a 9-digit recipient
/// code is refused before anything is sent; a filled form goes to the hospital, the clinic sees it
/// as 未取得 among its sent documents and the hospital's doctor finds it in the inbox as 新着 and
/// reads what was written once the patient has consented.
/// </summary>
public sealed class SharingReferralScreenTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    [Fact]
    public async Task Doctor_WritesAReferral_ANineDigitRecipientIsRefusedBeforeSending()
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, "紹介");
        var clinic = await server.CreateOrganizationAsync("clinic");
        var writer = await server.CreateAccountAsync("doctor", clinic);
        var page = await UiSignIn.SignInAsync(server, writer, "/ui/#/referral/" + patient);
        var sent = 0;
        page.Request += (_, request) => sent += request.Url.Contains("/sharing/referrals", StringComparison.Ordinal) ? 1 : 0;
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("紹介 花子");
        await page.GetByLabel("紹介先医療機関コード").FillAsync("131123456");
        await page.GetByLabel("紹介目的").FillAsync("精査をお願いします。");
        await page.GetByRole(AriaRole.Button, new() { Name = "送信する" }).ClickAsync();
        await Expect(page.Locator("#referral-error")).ToContainTextAsync("紹介先医療機関コードは10桁の数字で入力してください。");
        await Expect(page.GetByLabel("紹介先医療機関コード")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(0, sent);
    }

    [Fact]
    public async Task Doctor_SendsAReferral_TheClinicSeesItSent_AndTheHospitalReadsIt()
    {
        // An insured person as the insurer registered them: no address on the platform.
        var insured = await EligibilityData.RegisterAsync(server.Client, await EligibilityData.CreateInsurerAsync(server.Client), branch: "01");
        var clinic = await server.CreateOrganizationAsync("clinic");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var writer = await server.CreateAccountAsync("doctor", clinic);
        var reader = await server.CreateAccountAsync("doctor", hospital);

        var page = await UiSignIn.SignInAsync(server, writer, "/ui/#/referral/" + insured.PatientId);
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("山田 花子");
        await page.GetByLabel("患者住所").FillAsync("東京都港区新橋1-2-3");
        await page.GetByLabel("紹介先医療機関コード").FillAsync(hospital);
        await page.GetByLabel("紹介先医療機関名").FillAsync("東京第一テスト病院");
        await page.GetByLabel("紹介目的").FillAsync("腹痛の精査をお願いします。");
        await page.GetByLabel("傷病名").FillAsync("上腹部痛\n腰痛");
        await page.GetByLabel("症状経過・検査結果・治療経過").FillAsync("6月上旬から夜食後に上腹部痛。");
        await page.GetByLabel("現在の処方").FillAsync("タケキャブ錠10mg 1錠 1日2回");
        await page.GetByLabel("感染症情報").FillAsync("HBs抗原陰性");
        await page.GetByRole(AriaRole.Button, new() { Name = "送信する" }).ClickAsync();
        var sent = page.Locator("#referral-sent");
        await Expect(sent).ToContainTextAsync("診療情報提供書を送信しました。紹介先の文書受信箱に届きます。");
        await Expect(sent).ToContainTextAsync(hospital);

        await page.GetByRole(AriaRole.Link, new() { Name = "送信済の文書を見る" }).ClickAsync();
        await Expect(page.Locator("#sent")).ToContainTextAsync("東京第一テスト病院");
        await Expect(page.Locator("#sent")).ToContainTextAsync("未取得");

        var hospitalPage = await UiSignIn.SignInAsync(server, reader, "/ui/#/inbox");
        var inbox = hospitalPage.Locator("#inbox");
        await Expect(inbox).ToContainTextAsync("新着");
        await Expect(inbox).ToContainTextAsync(clinic);
        await TestConsents.GrantAsync(server.Client, insured.PatientId, hospital, "documents");
        await inbox.GetByRole(AriaRole.Button, new() { Name = "取得" }).ClickAsync();
        var document = hospitalPage.Locator("#document");
        await Expect(document).ToContainTextAsync("腹痛の精査をお願いします。");
        await Expect(document).ToContainTextAsync("上腹部痛");
        await Expect(document).ToContainTextAsync("6月上旬から夜食後に上腹部痛。");
        await Expect(document).ToContainTextAsync("タケキャブ錠10mg 1錠 1日2回");
        await Expect(document).ToContainTextAsync("HBs抗原陰性");
    }
}
