using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>Signs a member of staff in through the UI the way a person does: the button, the login page, back to the UI.</summary>
public static class UiSignIn
{
    /// <summary>Signs in on a new page, or on the page given (one with routes the test serves itself).</summary>
    public static async Task<IPage> SignInAsync(UiServerFixture server, TestAccount account, string start = "/ui/", IPage? page = null)
    {
        page ??= await server.NewPageAsync();
        await page.GotoAsync(start, UiServerFixture.Navigation);
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await page.WaitForURLAsync("**/login?**");
        await page.GetByLabel("ユーザー名").FillAsync(account.Username);
        await page.GetByLabel("パスワード").FillAsync(account.Password);
        await page.GetByLabel("確認コード", new() { Exact = false }).FillAsync(Totp.Code(account.TotpSecret!, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "ログアウト" }).WaitForAsync();
        return page;
    }
}
