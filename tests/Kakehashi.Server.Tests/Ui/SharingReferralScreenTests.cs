using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// 診療情報提供書の作成 in a real browser: a clinic doctor opens the patient, a 9-digit recipient
/// code is refused before anything is sent, then the letter goes to the hospital; the clinic sees
/// it as 未取得 among its sent documents and the hospital's doctor finds it in the inbox as 新着.
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

    [Fact(Skip = "POST /sharing/referrals (branch sharing-docs) composes a Bundle the validator still refuses; its own test is skipped for the same reason — enable both together")]
    public async Task Doctor_WritesAReferral_ItIsValidated_Sent_AndArrivesInTheRecipientsInbox()
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, "紹介");
        var clinic = await server.CreateOrganizationAsync("clinic");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var writer = await server.CreateAccountAsync("doctor", clinic);
        var reader = await server.CreateAccountAsync("doctor", hospital);

        var page = await UiSignIn.SignInAsync(server, writer, "/ui/#/referral/" + patient);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "診療情報提供書の作成" })).ToBeVisibleAsync();
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("紹介 花子");
        await page.GetByLabel("紹介先医療機関コード").FillAsync(hospital[..9]);
        await page.GetByLabel("紹介目的").FillAsync("胸痛の精査をお願いします。");
        await page.GetByLabel("傷病名").FillAsync("狭心症疑い\n高血圧症");
        await page.GetByLabel("症状経過・検査結果・治療経過").FillAsync("1か月前から労作時の胸痛。心電図で ST 低下。");
        await page.GetByLabel("現在の処方").FillAsync("アムロジピン錠5mg 1錠 1日1回朝食後");
        await page.GetByRole(AriaRole.Button, new() { Name = "送信する" }).ClickAsync();
        await Expect(page.Locator("#referral-error")).ToContainTextAsync("紹介先医療機関コードは10桁の数字で入力してください。");

        await page.GetByLabel("紹介先医療機関コード").FillAsync(hospital);
        await page.GetByRole(AriaRole.Button, new() { Name = "送信する" }).ClickAsync();
        await Expect(page.Locator("#referral-sent")).ToContainTextAsync("診療情報提供書を送信しました");
        await Expect(page.Locator("#referral-sent")).ToContainTextAsync(hospital);

        await page.GetByRole(AriaRole.Link, new() { Name = "送信済の文書を見る" }).ClickAsync();
        var sent = page.Locator("#sent");
        await Expect(sent).ToContainTextAsync(hospital);
        await Expect(sent).ToContainTextAsync("未取得");

        var inbox = await UiSignIn.SignInAsync(server, reader, "/ui/#/inbox");
        await Expect(inbox.Locator("#inbox")).ToContainTextAsync("新着");
        await Expect(inbox.Locator("#inbox")).ToContainTextAsync(clinic);
        await Expect(inbox.Locator("#inbox")).ToContainTextAsync(patient);
    }
}
