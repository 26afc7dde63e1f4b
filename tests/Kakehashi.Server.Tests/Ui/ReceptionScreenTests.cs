using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>Reception's patient search (name or kana, 和暦 birth date, the clinic's patient number) and the printed view.</summary>
[Collection(UiCollection.Name)]
public sealed class ReceptionScreenTests(UiServerFixture server)
{
    [Fact]
    public async Task AClerkFindsAPatientByKanaBirthDateOrNumber_AndADoctorOpensAndPrintsTheirHistory()
    {
        var hospital = await server.CreateOrganizationAsync("hospital");
        var family = "検索" + Guid.NewGuid().ToString("N")[..6];
        var kana = "ケンサク" + string.Concat(Guid.NewGuid().ToString("N")[..4].Select(c => (char)('ア' + (c % 20) * 2)));
        var number = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var patient = (string)(await server.Client.CreateAsync($$"""
            {"resourceType":"Patient",
             "identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.1{{hospital}}","value":"{{number}}"}],
             "name":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"family":"{{family}}","given":["花子"]},
                     {"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"family":"{{kana}}","given":["ハナコ"]}],
             "gender":"female","birthDate":"1962-02-03"}
            """))["id"]!;
        var clerk = await server.CreateAccountAsync("clerk", hospital);
        var page = await UiSignIn.SignInAsync(server, clerk);
        await page.GetByRole(AriaRole.Link, new() { Name = "患者検索" }).ClickAsync();
        var results = page.Locator("#patient-results tbody tr");

        // By the kana reading, as a clerk types it.
        await page.GetByLabel("氏名またはカナ").FillAsync(kana);
        await page.GetByRole(AriaRole.Button, new() { Name = "検索する" }).ClickAsync();
        await Expect(results).ToHaveCountAsync(1);
        await Expect(results).ToContainTextAsync(family + " 花子");
        await Expect(results).ToContainTextAsync("1962年2月3日（昭和37年）");
        await Expect(results).ToContainTextAsync(number);
        // A clerk is offered no history link.
        await Expect(results.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);

        // By the clinic's patient number typed in full-width digits, with the birth date in 和暦.
        await page.GetByLabel("氏名またはカナ").FillAsync("");
        await page.GetByLabel("患者番号").FillAsync(string.Concat(number.Select(c => (char)(c - '0' + '０'))));
        await page.GetByLabel("生年月日").FillAsync("S37.2.3");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索する" }).ClickAsync();
        await Expect(results).ToHaveCountAsync(1);
        await Expect(results).ToContainTextAsync(family);

        // Nothing to search by: said in Japanese, nothing sent.
        await page.GetByLabel("患者番号").FillAsync("");
        await page.GetByLabel("生年月日").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索する" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("いずれかを入力してください");
        await page.Context.CloseAsync();

        // A doctor with the patient's consent opens the history from the result, and prints it without the controls.
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        await TestConsents.GrantAsync(server.Client, patient, hospital, "medication");
        page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/patients");
        await page.GetByLabel("氏名またはカナ").FillAsync(family);
        await page.GetByRole(AriaRole.Button, new() { Name = "検索する" }).ClickAsync();
        await page.Locator("#patient-results tbody tr").GetByRole(AriaRole.Link, new() { Name = "薬剤・健診・診療情報" }).ClickAsync();
        await Expect(page.Locator("#patient-card")).ToContainTextAsync(family + " 花子");
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("歳");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator("header.top")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "印刷" })).ToBeHiddenAsync();
        await Expect(page.Locator("#patient-card")).ToBeVisibleAsync();
        await UiArtifacts.ScreenshotAsync(page, "staff-history-print");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnIdleDesk_LocksTheScreen_AndKeepsWhatWasTyped()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var page = await UiSignIn.SignInAsync(server, clerk);
        await page.Clock.InstallAsync();
        await page.GetByLabel("保険者番号", new() { Exact = true }).FillAsync("06139992");
        await page.GetByLabel("記号", new() { Exact = true }).FillAsync("１２３４");
        await page.GetByLabel("生年月日", new() { Exact = true }).FillAsync("S40.4.12");
        // The last activity (a click), timed by the test's clock from here on.
        await page.GetByLabel("生年月日", new() { Exact = true }).ClickAsync();

        // Three minutes without a key or a click: the card leaves the page.
        await page.Clock.FastForwardAsync("03:00");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "画面をロックしました" })).ToBeVisibleAsync();
        await Expect(page.Locator("#eligibility-form")).ToHaveCountAsync(0);
        Assert.DoesNotContain("06139992", await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "ログインして再開" })).ToBeFocusedAsync();

        // Signing in again brings the card back as it was typed.
        await page.GetByRole(AriaRole.Button, new() { Name = "ログインして再開" }).ClickAsync();
        await page.WaitForURLAsync("**/login?**");
        await page.GetByLabel("ユーザー名").FillAsync(clerk.Username);
        await page.GetByLabel("パスワード").FillAsync(clerk.Password);
        await page.GetByLabel("確認コード", new() { Exact = false }).FillAsync(Kakehashi.Platform.Security.Totp.Code(clerk.TotpSecret!, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await Expect(page.GetByLabel("保険者番号", new() { Exact = true })).ToHaveValueAsync("06139992");
        await Expect(page.GetByLabel("記号", new() { Exact = true })).ToHaveValueAsync("１２３４");
        await Expect(page.GetByLabel("生年月日", new() { Exact = true })).ToHaveValueAsync("S40.4.12");

        // Signing out leaves nothing typed behind in the tab.
        await page.GetByRole(AriaRole.Button, new() { Name = "ログアウト" }).ClickAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(sessionStorage).filter(k => k.startsWith('kakehashi.draft.')).length"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TodaysList_ShowsThePatientsThisDeskChecked_AndNoOtherInstitutions()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var insurer = await Kakehashi.Server.Tests.Eligibility.EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await Kakehashi.Server.Tests.Eligibility.EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", birthDate: "1980-04-01");
        var page = await UiSignIn.SignInAsync(server, clerk);
        await Expect(page.Locator(".today")).ToContainTextAsync("本日はまだ資格確認をしていません");

        await page.GetByLabel("保険者番号", new() { Exact = true }).FillAsync(insured.Insurer);
        await page.GetByLabel("記号", new() { Exact = true }).FillAsync(insured.Symbol);
        await page.GetByLabel("番号", new() { Exact = true }).FillAsync(insured.Number);
        await page.GetByLabel("枝番", new() { Exact = true }).FillAsync("01");
        await page.GetByLabel("生年月日", new() { Exact = true }).FillAsync("S55.4.1");
        await page.GetByLabel("生年月日", new() { Exact = true }).PressAsync("Enter");
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        var row = page.Locator("#today-list tbody tr").Filter(new() { HasText = "山田 花子" });
        await Expect(row).ToContainTextAsync("1980年4月1日（昭和55年）");
        await Expect(row.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\d{2}:\\d{2}$"));
        await page.Context.CloseAsync();

        // Another institution's desk does not see this clinic's patients.
        var other = await server.CreateAccountAsync("clerk", await server.CreateOrganizationAsync("clinic"));
        var (token, _) = await server.LoginAsync(other, "user/*.rs user/CoverageEligibilityRequest.u");
        using var otherDesk = server.CreateClientWithToken(token);
        var list = await (await otherDesk.GetAsync("/eligibility/today")).ExpectAsync(System.Net.HttpStatusCode.OK);
        Assert.DoesNotContain(list.AsArray(), e => (string?)e!["patient"]!["id"] == insured.PatientId);
    }
}
