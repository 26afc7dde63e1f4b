using System.Net;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// The patient portal (マイページ) on a phone-sized screen, as a patient uses it: sign-in with a
/// password and a code, who looked at my data, consents given and withdrawn in the browser with
/// the hospital's sight checked through the API, charts, and the download of my own record.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class PortalScreenTests(UiServerFixture server)
{
    private static async Task<List<string>> WatchCspAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };
        await page.SetViewportSizeAsync(390, 844);
        return violations;
    }

    [Fact]
    public async Task APatient_SeesWhoLookedAtTheirData_WithdrawsAndGivesConsent_AndTheHospitalsSightFollows()
    {
        var patient = await UiData.PatientWithHistoryAsync(server);
        var hospital = await server.RegisterClientAsync("doctor", "hospital");
        using var doctor = server.CreateClient(hospital);
        await TestConsents.GrantAsync(server.Client, patient, hospital.OrganizationCode, "medication", "checkup");
        await (await doctor.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);

        var page = await UiSignIn.SignInAsync(server, account, "/portal/");
        var violations = await WatchCspAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "わたしの資格情報" })).ToBeFocusedAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("医療保険");
        await UiArtifacts.ScreenshotAsync(page, "portal-home-phone");

        // Who looked: the hospital, as a doctor, at the medication information — in words.
        await page.GetByRole(AriaRole.Link, new() { Name = "閲覧履歴" }).ClickAsync();
        var entry = page.Locator("#access-log > li").Filter(new() { HasText = hospital.OrganizationCode }).First;
        await Expect(entry).ToContainTextAsync("医師が薬剤情報を閲覧");
        await UiArtifacts.ScreenshotAsync(page, "portal-access-log-phone");

        // Withdraw the hospital's consent in the browser: the hospital loses sight at once.
        await page.GetByRole(AriaRole.Link, new() { Name = "同意", Exact = true }).ClickAsync();
        var card = page.Locator("#consent-list > li").Filter(new() { HasText = hospital.OrganizationCode }).First;
        await Expect(card).ToContainTextAsync("有効");
        await card.GetByRole(AriaRole.Button, new() { Name = "同意を撤回する" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "撤回する", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "同意を撤回しました。" })).ToBeVisibleAsync();
        await Expect(page.Locator("#consent-list > li").Filter(new() { HasText = hospital.OrganizationCode }).First).ToContainTextAsync("撤回済み");
        await (await doctor.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.Forbidden);

        // Give it again, medication only, typed with full-width digits and a 和暦 end.
        var fullWidth = string.Concat(hospital.OrganizationCode.Select(c => (char)(c - '0' + '０')));
        await page.GetByLabel("医療機関・薬局コード（10桁）").FillAsync(fullWidth);
        foreach (var category in new[] { "特定健診等情報", "電子カルテ情報（6情報）" })
        {
            await page.Locator("#give-consent").GetByLabel(category).UncheckAsync();
        }

        var nextYear = DateTime.UtcNow.AddHours(9).Year + 1 - 2018;
        await page.Locator("#give-consent").GetByLabel("期限").FillAsync($"R{nextYear}.3.31");
        await page.GetByRole(AriaRole.Button, new() { Name = "同意する" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "同意を登録しました。" })).ToBeVisibleAsync();
        await Expect(page.Locator("#consent-list > li").Filter(new() { HasText = "有効" }).Filter(new() { HasText = hospital.OrganizationCode })).ToContainTextAsync("薬剤情報");
        await (await doctor.GetAsync($"Patient/{patient}/$medication-history")).ExpectAsync(HttpStatusCode.OK);
        await (await doctor.GetAsync($"Patient/{patient}/$checkup-history")).ExpectAsync(HttpStatusCode.Forbidden);
        await UiArtifacts.ScreenshotAsync(page, "portal-consents-phone");
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task APatient_SeesTheirPrescriptions_WithTheExchangeNumberWhileOpen()
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurerClient = server.CreateClient(insurer);
        var patient = await Eligibility.EligibilityData.CreatePatientAsync(insurerClient, "1970-05-05");
        var number = Eligibility.EligibilityData.NewNumber();
        await insurerClient.CreateAsync(History.HistoryFixtures.Qualification(patient, insurer.OrganizationCode, "記号", number, "00"));
        var prescriber = await server.RegisterClientAsync("doctor", "clinic");
        using var doctor = server.CreateClient(prescriber);
        var document = Prescriptions.PrescriptionData.Document(insurer.OrganizationCode, "記号", number, "00",
            [new Prescriptions.PrescriptionData.Line(Prescriptions.PrescriptionData.Amlodipine, 28)], institution: prescriber.OrganizationCode);
        var registered = await (await doctor.SendAsync(HttpMethod.Post, "/prescriptions?paper=true", document.ToJsonString(), mediaType: "application/json"))
            .ExpectAsync(HttpStatusCode.Created);
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);

        var page = await UiSignIn.SignInAsync(server, account, "/portal/");
        var violations = await WatchCspAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "処方箋" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "わたしの処方箋" })).ToBeFocusedAsync();
        var card = page.Locator("#prescription-list > li").First;
        await Expect(card).ToContainTextAsync("未受付");
        await Expect(card).ToContainTextAsync("ノルバスク錠２．５ｍｇ");
        await Expect(card.Locator(".exchange-number")).ToHaveTextAsync((string)registered["exchangeNumber"]!);
        await Expect(card).ToContainTextAsync(prescriber.OrganizationCode);
        await UiArtifacts.ScreenshotAsync(page, "portal-prescriptions-phone");
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task APatient_SeesTheirCheckupsAsCharts_ReadsTheirDocuments_AndDownloadsTheirOwnRecordOnly()
    {
        var patient = await UiData.PatientWithHistoryAsync(server);
        var other = await UiData.PatientWithHistoryAsync(server);
        var text = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("経過良好で退院。外来で経過観察。"));
        await server.Client.CreateAsync($$$"""
            {"resourceType":"DocumentReference","status":"current","type":{"text":"退院時サマリー"},"subject":{"reference":"Patient/{{{patient}}}"},
             "date":"2026-10-01T10:00:00+09:00","custodian":{"display":"架け橋病院"},
             "content":[{"attachment":{"contentType":"text/plain; charset=utf-8","data":"{{{text}}}"}}]}
            """);
        var account = await server.CreateAccountAsync("patient", server.OperatorCode, patient);
        var page = await UiSignIn.SignInAsync(server, account, "/portal/");
        var violations = await WatchCspAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "健診・検査" }).ClickAsync();
        var chart = page.Locator("#checkup-chart-0");
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("5\\.6.*5\\.9"));
        await UiArtifacts.ScreenshotAsync(page, "portal-checkups-phone");

        // A text document about me opens in place.
        await page.GetByRole(AriaRole.Link, new() { Name = "文書" }).ClickAsync();
        var document = page.Locator("#documents > li").Filter(new() { HasText = "退院時サマリー" });
        await document.GetByRole(AriaRole.Button, new() { Name = "内容を見る" }).ClickAsync();
        await Expect(document).ToContainTextAsync("経過良好で退院");

        await page.GetByRole(AriaRole.Link, new() { Name = "ダウンロード" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "ダウンロードを準備する" }).ClickAsync();
        var link = page.GetByRole(AriaRole.Link, new() { Name = "my-data.ndjson を保存する" });
        await Expect(link).ToHaveAttributeAsync("download", "my-data.ndjson");
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("my-data.ndjson", download.SuggestedFilename);
        var ndjson = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains($"\"id\":\"{patient}\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(other, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"resourceType\":\"ExplanationOfBenefit\"", StringComparison.Ordinal));
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task StaffCannotSignInToThePortal_NorPatientsToTheStaffWorkspace()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var page = await server.NewPageAsync();
        await page.GotoAsync("/portal/", UiServerFixture.Navigation);
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await page.GetByLabel("ユーザー名").FillAsync(clerk.Username);
        await page.GetByLabel("パスワード").FillAsync(clerk.Password);
        await page.GetByLabel("確認コード", new() { Exact = false }).FillAsync(Kakehashi.Platform.Security.Totp.Code(clerk.TotpSecret!, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        // The authorization server grants a clerk no patient/ scope: the portal stays signed out.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "ログイン" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ログインできませんでした");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('kakehashi.portal.token')"));
        await page.Context.CloseAsync();
    }
}
