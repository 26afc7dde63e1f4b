using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// The staff UI's state and session defects found in Chromium (issue 14), each reproduced the way
/// reception and doctors met it. Each test fails on the hand-written UI it replaced.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class StaffScreenDefectTests(UiServerFixture server)
{
    private static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    private static async Task FillCardAsync(IPage page, string insurer, string symbol, string number, string branch, string birthDate, string visitDate = "2026-11-25")
    {
        await Field(page, "保険者番号").FillAsync(insurer);
        await Field(page, "記号").FillAsync(symbol);
        await Field(page, "番号").FillAsync(number);
        await Field(page, "枝番").FillAsync(branch);
        await Field(page, "生年月日").FillAsync(birthDate);
        await Field(page, "受診日").FillAsync(visitDate);
        await Field(page, "受診日").PressAsync("Enter");
    }

    private static string FullWidth(string digits) => string.Concat(digits.Select(c => char.IsAsciiDigit(c) ? (char)(c - '0' + '０') : c));

    [Fact]
    public async Task ASessionRefusedByTheServer_EndsOnce_AndOffersToSignInAgain()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var patient = await UiData.PatientWithHistoryAsync(server);
        await TestConsents.GrantAsync(server.Client, patient, hospital, "medication", "checkup");
        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/history/" + patient);
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("山田 花子");

        // Signed out in another tab: the server revokes the token this tab still holds.
        await page.EvaluateAsync("""
            async () => {
              const token = JSON.parse(sessionStorage.getItem('kakehashi.token')).token;
              await fetch('/connect/revoke', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: 'kakehashi-ui' }) });
            }
            """);
        var requests = 0;
        page.Request += (_, r) => requests += r.Url.Contains("/fhir/", StringComparison.Ordinal) ? 1 : 0;
        await page.GetByRole(AriaRole.Tab, new() { Name = "特定健診" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("もう一度ログインしてください");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "ログイン" })).ToBeFocusedAsync();
        await Expect(page.Locator("#patient-card")).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(2000);
        Assert.InRange(requests, 1, 2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheLanguageSwitch_TranslatesTheErrorOnScreen_AndFocusFollowsEveryAction()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", birthDate: "1980-04-01");
        var page = await UiSignIn.SignInAsync(server, doctor);

        await FillCardAsync(page, insured.Insurer, insured.Symbol, insured.Number, "1", "1980-04-01");
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("枝番は先頭の0を付けた2桁で入力してください");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(alert).ToContainTextAsync("The branch number keeps its leading zero");
        await Expect(alert).Not.ToContainTextAsync("枝番");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Eligibility check (insurance card)" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "日本語" }).ClickAsync();
        await Expect(alert).ToContainTextAsync("枝番は先頭の0を付けた2桁");

        // After a check the answer has the focus; after the history link, the history's heading.
        await Field(page, "枝番").FillAsync("01");
        await Field(page, "枝番").PressAsync("Enter");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        await Expect(page.Locator("#eligibility-status")).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "この患者さんの薬剤・健診・診療情報を見る" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "薬剤・健診・診療情報（同意に基づく閲覧）" })).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CardEntry_ReadsFullWidthDigits_EightDigitAndJapaneseEraDates_AndClearsTheLastAnswer()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", birthDate: "1980-04-01");
        var page = await UiSignIn.SignInAsync(server, clerk);
        var status = page.Locator("#eligibility-status");

        // ０６１３… as printed, and the birth date as 8 digits: read, shown as understood, checked.
        await FillCardAsync(page, FullWidth(insured.Insurer), insured.Symbol, FullWidth(insured.Number), "０１", "19800401");
        await Expect(page.Locator("#eligibility-form")).ToContainTextAsync("1980年4月1日（昭和55年）");
        await Expect(status).ToContainTextAsync("有効");
        await UiArtifacts.ScreenshotAsync(page, "staff-eligibility-valid");

        // The next card typed: the last answer goes at once.
        await Field(page, "番号").FillAsync(EligibilityData.NewNumber());
        await Expect(page.Locator("#eligibility-result")).ToBeEmptyAsync();

        // 和暦 as written on forms; the visit date in 令和.
        await FillCardAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "S55.4.1", "R8.11.25");
        await Expect(status).ToContainTextAsync("2026年11月25日（令和8年）時点");
        await Expect(status).ToContainTextAsync("有効");

        // A date that does not exist is caught here, the field marked and focused.
        await FillCardAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "H31.5.1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("生年月日の元号と年が合いません");
        await Expect(Field(page, "生年月日")).ToBeFocusedAsync();
        await Expect(Field(page, "生年月日")).ToHaveAttributeAsync("aria-invalid", "true");

        // The date is read in the UI's language, not the browser's locale.
        await Field(page, "生年月日").FillAsync("19800401");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("#eligibility-form")).ToContainTextAsync("1 Apr 1980 (Showa 55)");
        await page.GetByRole(AriaRole.Button, new() { Name = "日本語" }).ClickAsync();

        // 次の患者 empties the card and starts again at the insurer number.
        await page.GetByRole(AriaRole.Button, new() { Name = "次の患者" }).ClickAsync();
        await Expect(Field(page, "保険者番号")).ToHaveValueAsync("");
        await Expect(Field(page, "生年月日")).ToHaveValueAsync("");
        await Expect(Field(page, "保険者番号")).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AClerkIsNotOfferedTheHistory_AndAnUnknownPatientIsReportedOnce()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var page = await UiSignIn.SignInAsync(server, clerk);
        var fhirRequests = 0;
        page.Request += (_, r) => fhirRequests += r.Url.Contains("/fhir/", StringComparison.Ordinal) ? 1 : 0;
        await page.EvaluateAsync("location.hash = '#/history/some-patient'");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("事務（受付）の職種では薬剤・健診・診療情報を閲覧できません。資格確認をご利用ください。");
        Assert.Equal(0, fhirRequests);
        await page.Context.CloseAsync();

        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/history/no-such-patient");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("患者ID「no-such-patient」の患者は見つかりません。");
        await page.WaitForTimeoutAsync(500);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Tab)).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OnAReceptionDesksSmallScreen_TheHeaderIsOneLine_TheAnswerInView_AndCellsWhole()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", birthDate: "1980-04-01");
        var patient = await UiData.PatientWithHistoryAsync(server);
        await TestConsents.GrantAsync(server.Client, patient, hospital, "medication");
        var page = await UiSignIn.SignInAsync(server, doctor);
        await page.SetViewportSizeAsync(800, 600);

        var tops = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('header.top > *')].map(e => e.getBoundingClientRect().top)");
        Assert.True(tops.Max() - tops.Min() < 8, "the header's parts sit on one line: " + string.Join(", ", tops));

        await FillCardAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "1980-04-01");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        await Expect(page.Locator("#eligibility-status")).ToBeInViewportAsync();

        await page.EvaluateAsync($"location.hash = '#/history/{patient}'");
        var source = page.GetByRole(AriaRole.Cell, new() { Name = "レセプト", Exact = true });
        await Expect(source).ToBeVisibleAsync();
        var lines = await source.EvaluateAsync<int>("cell => { const range = document.createRange(); range.selectNodeContents(cell); return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }");
        Assert.Equal(1, lines);
        await UiArtifacts.ScreenshotAsync(page, "staff-history-800x600");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheSignInPage_IsStyled_KeepsTheUsernameAfterAFailure_AndFocusesTheFieldToType()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var page = await server.NewPageAsync();
        await page.GotoAsync("/ui/", UiServerFixture.Navigation);
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await page.WaitForURLAsync("**/login?**");
        await Expect(page.GetByLabel("ユーザー名")).ToBeFocusedAsync();
        Assert.Equal("rgb(11, 92, 173)", await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));

        await page.GetByLabel("ユーザー名").FillAsync(clerk.Username);
        await page.GetByLabel("パスワード").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ユーザー名、パスワードまたは確認コードが違います");
        await Expect(page.GetByLabel("ユーザー名")).ToHaveValueAsync(clerk.Username);
        await Expect(page.GetByLabel("パスワード")).ToBeFocusedAsync();
        await UiArtifacts.ScreenshotAsync(page, "sign-in-failed");
        await page.Context.CloseAsync();
    }
}
