using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>The consented history views in a real browser, and the language switch.</summary>
[Collection(UiCollection.Name)]
public sealed class HistoryScreenTests(UiServerFixture server)
{
    [Fact]
    public async Task Doctor_SeesConsentedHistory_AndTheRefusalWithoutConsent()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var patient = await UiData.PatientWithHistoryAsync(server);
        await TestConsents.GrantAsync(server.Client, patient, hospital, "medication", "checkup");

        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/history/" + patient);
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("山田 花子");
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("ヤマダ ハナコ");
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("1980年4月1日（昭和55年）");

        // 薬剤情報 opens first: the claim's drug with its display and code, the day in Japanese.
        var panel = page.GetByRole(AriaRole.Tabpanel);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "薬剤情報" })).ToHaveAttributeAsync("aria-selected", "true");
        var row = panel.GetByRole(AriaRole.Row).Filter(new() { HasText = "アムロジピン錠５ｍｇ" });
        await Expect(row).ToContainTextAsync("2026年10月5日（令和8年）");
        await Expect(row).ToContainTextAsync("YJ 2171022F1023");
        await Expect(row).ToContainTextAsync("14 錠");
        await Expect(row).ToContainTextAsync("レセプト");

        // 特定健診 across the years: one column per checkup, HbA1c in one row.
        await page.GetByRole(AriaRole.Tab, new() { Name = "特定健診" }).ClickAsync();
        var hba1c = panel.GetByRole(AriaRole.Row).Filter(new() { HasText = "3D046000001906202" });
        await Expect(hba1c).ToContainTextAsync("5.9 %");
        await Expect(hba1c).ToContainTextAsync("5.6 %");
        await Expect(panel.GetByRole(AriaRole.Columnheader).Nth(1)).ToContainTextAsync("2026年6月1日（令和8年）");
        await Expect(panel.GetByRole(AriaRole.Columnheader).Nth(2)).ToContainTextAsync("2025年6月2日（令和7年）");

        // 診療・手術情報 without the patient's consent: the refusal, in words, not a blank panel.
        await page.GetByRole(AriaRole.Tab, new() { Name = "診療・手術情報" }).ClickAsync();
        var alert = panel.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("同意がありません");
        await Expect(alert).ToContainTextAsync("患者さんの同意がないため、診療・手術情報を表示できません。");
        // In Japanese, no English server text ends the box.
        await Expect(alert).Not.ToContainTextAsync("consent");
        await Expect(panel.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);

        // With consent given meanwhile, the same tab shows the dialysis.
        await TestConsents.GrantAsync(server.Client, patient, hospital, "treatment");
        await page.GetByRole(AriaRole.Tab, new() { Name = "薬剤情報" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "診療・手術情報" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Row).Filter(new() { HasText = "人工透析" })).ToContainTextAsync("2026年10月6日（令和8年）");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ASlowAnswerForTheFirstPatient_IsNeverDrawnAboveTheNextPatientsRecords()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var first = await UiData.PatientWithHistoryAsync(server);
        using var insurerClient = server.CreateClient(await server.RegisterClientAsync("insurer-staff", "insurer"));
        var second = await EligibilityData.CreatePatientAsync(insurerClient, "1975-05-05", "佐藤", "一郎");
        await TestConsents.GrantAsync(server.Client, first, hospital, "medication");

        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/history");
        // The first patient's record arrives late: after the second patient's screen is drawn.
        var released = new TaskCompletionSource();
        await page.RouteAsync($"**/fhir/Patient/{first}", async route =>
        {
            await released.Task;
            try
            {
                await route.ContinueAsync();
            }
            catch (PlaywrightException)
            {
                // The page cancelled the request meanwhile: nothing left to continue.
            }
        });
        var firstRequested = page.WaitForRequestAsync(r => r.Url.EndsWith($"/fhir/Patient/{first}", StringComparison.Ordinal));
        await page.EvaluateAsync($"location.hash = '#/history/{first}'");
        await firstRequested;
        var firstEnded = new TaskCompletionSource<string>();
        page.RequestFailed += (_, r) => { if (r.Url.EndsWith($"/fhir/Patient/{first}", StringComparison.Ordinal)) firstEnded.TrySetResult("cancelled"); };
        page.Response += (_, r) => { if (r.Url.EndsWith($"/fhir/Patient/{first}", StringComparison.Ordinal)) firstEnded.TrySetResult("answered"); };
        await page.EvaluateAsync($"location.hash = '#/history/{second}'");
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("佐藤 一郎");

        released.SetResult();
        // The screen cancelled the first patient's load when the second patient opened.
        Assert.Equal("cancelled", await firstEnded.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await page.WaitForTimeoutAsync(300);
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("佐藤 一郎");
        await Expect(page.Locator("#patient-card")).Not.ToContainTextAsync("山田");
        await Expect(page.Locator("#history-panel")).Not.ToContainTextAsync("アムロジピン");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LanguageSwitch_ToEnglish_ReachesTheLoginPage_AndIsKept()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "00");

        var page = await server.NewPageAsync();
        await page.GotoAsync("/ui/", UiServerFixture.Navigation);
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The login page follows the UI's language.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("Username").FillAsync(clerk.Username);
        await page.GetByLabel("Password").FillAsync(clerk.Password);
        await page.GetByLabel("Verification code", new() { Exact = false }).FillAsync(Kakehashi.Platform.Security.Totp.Code(clerk.TotpSecret!, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Eligibility check (insurance card)" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Eligibility check (insurance card)" })).ToBeVisibleAsync();
        await page.GetByLabel("Insurer number", new() { Exact = true }).FillAsync(insured.Insurer);
        await page.GetByLabel("Symbol", new() { Exact = true }).FillAsync(insured.Symbol);
        await page.GetByLabel("Number", new() { Exact = true }).FillAsync(insured.Number);
        await page.GetByLabel("Branch", new() { Exact = true }).FillAsync("00");
        await page.GetByLabel("Date of birth", new() { Exact = true }).FillAsync(insured.BirthDate);
        await page.GetByLabel("Visit date", new() { Exact = true }).FillAsync("2026-11-25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check eligibility" }).ClickAsync();
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("Valid");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("as of 25 Nov 2026 (Reiwa 8)");
        await Expect(page.Locator("#eligibility-result")).ToContainTextAsync("30%");

        // Back to Japanese: the answer on screen follows at once.
        await page.GetByRole(AriaRole.Button, new() { Name = "日本語" }).ClickAsync();
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await page.Context.CloseAsync();
    }
}
