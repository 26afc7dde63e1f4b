using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// A server on SQLite reachable on a loopback port (<see cref="LoopbackProxy"/>) and one headless
/// Debian Chromium driven by Playwright. Browsers are never downloaded: test.sh installs the
/// distribution's <c>chromium</c> package. Each test opens its own browser context (no shared
/// cookies or storage). The UI does not depend on the store, whose behaviour the contract suites
/// cover on both databases; one store keeps these slower tests affordable.
/// </summary>
public class UiServerFixture : SqliteServerFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// Opening a page waits for the document and its module script, not for the window's load
    /// event: in one run of the whole suite on a loaded 2-core machine the load event of /ui/ was
    /// never reported although the network had gone idle; what a test does next waits for the
    /// element it needs anyway.
    /// </summary>
    public static readonly PageGotoOptions Navigation = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    private LoopbackProxy? proxy;
    private IPlaywright? playwright;

    public string Origin => proxy!.Origin;

    public IBrowser Browser { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        proxy = await LoopbackProxy.StartAsync(CreateServerHandler());
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (test.sh does).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context and page, Japanese locale and Japan's time zone, as at a reception desk.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ja-JP", TimezoneId = "Asia/Tokyo", BaseURL = Origin });
        // Generous waits: the suite runs on a loaded 2-core machine, where the first sign-in also
        // warms the authorization server up. A wait only ends early when the page is ready; the
        // tests assert what the page shows, never how fast.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        return await context.NewPageAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiServerFixture>
{
    public const string Name = "ui";
}
