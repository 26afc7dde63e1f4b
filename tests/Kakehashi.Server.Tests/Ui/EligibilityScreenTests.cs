using System.Net;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Kakehashi.Server.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>Reception's screen in a real browser: sign-in through the login page, eligibility checks by insurance card, sign-out.</summary>
[Collection(UiCollection.Name)]
public sealed class EligibilityScreenTests(UiServerFixture server)
{
    private static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    private static async Task CheckAsync(IPage page, string insurer, string symbol, string number, string branch, string birthDate, string visitDate)
    {
        await Field(page, "保険者番号").FillAsync(insurer);
        await Field(page, "記号").FillAsync(symbol);
        await Field(page, "番号").FillAsync(number);
        await Field(page, "枝番").FillAsync(branch);
        await Field(page, "生年月日").FillAsync(birthDate);
        await Field(page, "受診日").FillAsync(visitDate);
        // The keyboard submits the form, as at a reception desk.
        await Field(page, "受診日").PressAsync("Enter");
    }

    [Fact]
    public async Task Clerk_SignsIn_AndChecksCards_Valid_NotFound_AndBadInput()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", birthDate: "1980-04-01", copay: 30, limit: "u");

        var page = await UiSignIn.SignInAsync(server, clerk);

        // Back from the login page: no code or token left in the address, the clerk's name shown.
        Assert.EndsWith("/ui/#/eligibility", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#who")).ToContainTextAsync("テスト clerk（事務（受付））");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "資格確認（保険証情報）" })).ToBeVisibleAsync();

        await CheckAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "1980-04-01", "2026-11-25");
        var answer = page.Locator("#eligibility-result");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("2026年11月25日（令和8年）時点");
        await Expect(answer).ToContainTextAsync("山田 花子");
        await Expect(answer).ToContainTextAsync("ヤマダ ハナコ");
        await Expect(answer).ToContainTextAsync("1980年4月1日（昭和55年）");
        await Expect(answer).ToContainTextAsync("3割");
        await Expect(answer).ToContainTextAsync("被保険者（本人）");
        await Expect(answer).ToContainTextAsync("2020年4月1日（令和2年）");
        // 限度額適用区分 only with the patient's consent: here there is none.
        await Expect(answer).ToContainTextAsync("患者さんの同意（限度額適用認定証）が必要です");
        await Expect(answer).Not.ToContainTextAsync("区分ウ");
        // A clerk may not view the history, so neither the answer nor the menu offers it.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "この患者さんの薬剤・健診・診療情報を見る" })).ToHaveCountAsync(0);
        // The document inbox is the reception's too: a clerk retrieves a referral once the patient consents.
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link)).ToHaveTextAsync(["資格確認", "患者検索", "文書受信箱"]);

        // Once the patient has consented to the limit certificate for this clinic, the category shows.
        await TestConsents.GrantAsync(server.Client, insured.PatientId, clinic, "limit-certificate");
        await CheckAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "1980-04-01", "2026-11-25");
        await Expect(answer).ToContainTextAsync("区分ウ (u)");

        await CheckAsync(page, insured.Insurer, insured.Symbol, EligibilityData.NewNumber(), "01", "1980-04-01", "2026-11-25");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("該当なし");
        await Expect(answer).Not.ToContainTextAsync("山田");

        // A wrong check digit is caught before anything is sent: a clear Japanese message (no
        // English server text), the field marked and focused, the previous answer gone.
        var checks = 0;
        page.Request += (_, request) => checks += request.Url.EndsWith("/eligibility/check", StringComparison.Ordinal) ? 1 : 0;
        var wrong = insured.Insurer[..^1] + (char)('0' + ((insured.Insurer[^1] - '0' + 1) % 10));
        await CheckAsync(page, wrong, insured.Symbol, insured.Number, "01", "1980-04-01", "2026-11-25");
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("保険者番号の検証番号（チェックデジット）が正しくありません");
        await Expect(alert).Not.ToContainTextAsync("check digit");
        await Expect(Field(page, "保険者番号")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Field(page, "保険者番号")).ToBeFocusedAsync();
        await Expect(answer).ToBeEmptyAsync();

        // A branch without its leading zero.
        await CheckAsync(page, insured.Insurer, insured.Symbol, insured.Number, "1", "1980-04-01", "2026-11-25");
        await Expect(alert).ToContainTextAsync("枝番は先頭の0を付けた2桁で入力してください");
        await Expect(Field(page, "枝番")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(0, checks);

        // The server's refusals read the same way: a birth date that does not match.
        await CheckAsync(page, insured.Insurer, insured.Symbol, insured.Number, "01", "1980-04-02", "2026-11-25");
        await Expect(alert).ToContainTextAsync("生年月日が一致しません");
        await Expect(alert).Not.ToContainTextAsync("birth date");
        Assert.Equal(1, checks);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignOut_ForgetsAndRevokesTheToken()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var page = await UiSignIn.SignInAsync(server, clerk);
        const string status = "async token => (await fetch('/fhir/Patient?_count=1', { headers: { Authorization: 'Bearer ' + token } })).status";

        // The token lives in this tab's sessionStorage only: not in localStorage, not in the address.
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('kakehashi.token')).token");
        Assert.DoesNotContain(token, await page.EvaluateAsync<string>("() => JSON.stringify(localStorage)"), StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
        Assert.Equal(200, await page.EvaluateAsync<int>(status, token));

        await page.GetByRole(AriaRole.Button, new() { Name = "ログアウト" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ログアウトしました。");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "ログイン" })).ToBeFocusedAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('kakehashi.token')"));
        Assert.Equal(401, await page.EvaluateAsync<int>(status, token));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task UiPages_SendAStrictContentSecurityPolicy_AndAreNeverFramed()
    {
        using var browser = server.CreateBrowser();
        foreach (var path in new[] { "/ui/", "/ui/callback", "/ui/build/staff.js", "/ui/app.css", "/ui/no-such-file" })
        {
            using var response = await browser.GetAsync(path);
            Assert.Equal(path == "/ui/no-such-file" ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Equal(UiEndpoints.ContentSecurityPolicy, policy);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }

        using var root = await browser.GetAsync("/");
        Assert.Equal("/ui/", root.Headers.Location?.ToString());

        // The page carries no inline script or style for the policy to forbid.
        var html = await browser.GetStringAsync("/ui/");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
