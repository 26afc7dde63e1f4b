using System.Net;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>The security administrator's screens in a real browser: disable an account and see its token refused, search the audit trail, read the policy.</summary>
[Collection(UiCollection.Name)]
public sealed class AdminScreenTests(UiServerFixture server)
{
    [Fact]
    public async Task AnAdministrator_DisablesAnAccount_ItsTokenIsRefused_AndTheAuditTrailShowsIt()
    {
        var clinic = await server.CreateOrganizationAsync("clinic");
        var clerk = await server.CreateAccountAsync("clerk", clinic);
        var (token, _) = await server.LoginAsync(clerk, "user/*.rs");
        using var clerkClient = server.CreateClientWithToken(token);
        await (await clerkClient.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.OK);
        var admin = await server.CreateAccountAsync("security-admin", clinic);

        var page = await UiSignIn.SignInAsync(server, admin);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "アカウント管理" })).ToBeFocusedAsync();
        var row = page.Locator("#accounts tbody tr").Filter(new() { HasText = clerk.Username });
        await Expect(row).ToContainTextAsync("事務（受付）");
        await Expect(row).ToContainTextAsync("有効");
        await row.GetByRole(AriaRole.Button, new() { Name = "停止する" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "を停止しました" })).ToBeVisibleAsync();
        await Expect(page.Locator("#accounts tbody tr").Filter(new() { HasText = clerk.Username })).ToContainTextAsync("停止中");
        await UiArtifacts.ScreenshotAsync(page, "admin-accounts");
        await (await clerkClient.GetAsync("Patient?_count=1")).ExpectAsync(HttpStatusCode.Unauthorized);

        // The audit trail: the clerk's requests, the refused one among the failures; the chain verifies.
        await page.GetByRole(AriaRole.Link, new() { Name = "監査ログ" }).ClickAsync();
        await page.GetByLabel("操作者（アカウントID・クライアントID）").FillAsync(clerk.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "検索", Exact = true }).ClickAsync();
        await Expect(page.Locator("#audit-rows tbody tr").Filter(new() { HasText = "search Patient" }).First).ToContainTextAsync("200");
        await page.GetByLabel("結果").SelectOptionAsync("failure");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索", Exact = true }).ClickAsync();
        await Expect(page.Locator("#audit-rows tbody tr").First).ToContainTextAsync("401");
        await Expect(page.Locator("#audit-rows tbody tr").Filter(new() { HasText = "200" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "改ざんチェック（ハッシュチェーン検証）" }).ClickAsync();
        await Expect(page.Locator("#audit-verification")).ToContainTextAsync("改ざんは見つかりませんでした");
        await UiArtifacts.ScreenshotAsync(page, "admin-audit");

        // The role policy reads as a table of job types and actions in words.
        await page.GetByRole(AriaRole.Link, new() { Name = "権限表" }).ClickAsync();
        var diagnoses = page.Locator("#policy tbody tr").Filter(new() { HasText = "diagnoses" });
        await Expect(diagnoses).ToContainTextAsync("登録・閲覧・更新・削除・検索");
        await Expect(page.Locator("#policy thead")).ToContainTextAsync("医師");
        await page.Context.CloseAsync();
    }
}
