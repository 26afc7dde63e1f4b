using Microsoft.Playwright;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// Screenshots of each role's main screens, kept as test artefacts (KAKEHASHI_UI_ARTIFACTS, which
/// test.sh points at artifacts/ui in the repository; else beside the test assembly).
/// </summary>
public static class UiArtifacts
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("KAKEHASHI_UI_ARTIFACTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "ui-screenshots");

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, name + ".png"), FullPage = true });
    }
}
