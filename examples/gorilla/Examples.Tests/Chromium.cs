using Microsoft.Playwright;

namespace Examples.Tests;

/// <summary>
/// Headless Chromium driven by Playwright, launched once for the browser tests. Playwright cannot
/// download its own browser here: it drives the system's (Debian's chromium, installed by
/// <c>make deps</c>; CHROMIUM overrides the path). Its node driver comes with the NuGet package and
/// is copied to the test output (.playwright/), so nothing is fetched at run time.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"no Chromium at {ExecutablePath}: run `make deps` (apt-get install chromium) or set CHROMIUM");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Newer Chromium asks before a page reaches a local address; these pages are local by design.
            Args = ["--disable-features=LocalNetworkAccessChecks"],
            Timeout = (float)Limits.Step.TotalMilliseconds,
        });
    }

    /// <summary>
    /// A page in a context of its own (its own cookies and storage), failing any wait after
    /// <see cref="Limits.Step"/>; <paramref name="options"/> for the context (e.g. accepting a test certificate).
    /// </summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await _browser!.NewContextAsync(options);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Limits.Step.TotalMilliseconds);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout((float)Limits.Step.TotalMilliseconds);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(nameof(Chromium))]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>;
