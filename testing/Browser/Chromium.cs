using Microsoft.Playwright;

namespace Testing.Browser;

/// <summary>
/// Headless Chromium driven by Playwright, launched once per test collection. Playwright cannot download its own
/// browser here: it drives the system's (Debian's chromium, installed by <c>make deps</c>; CHROMIUM overrides the
/// path). Its node driver comes with the NuGet package and is copied to the test output (.playwright/), so nothing
/// is fetched at run time. One source file, compiled into every browser-test project (see testing/README.md).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The bound on one browser step (a launch, a navigation, a wait for the page to change).</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

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
            Timeout = (float)Step.TotalMilliseconds,
        });
    }

    /// <summary>
    /// A page in a context of its own (its own cookies and storage), failing any wait after <see cref="Step"/>;
    /// <paramref name="options"/> for the context: the window's size in CSS pixels (Playwright's default is
    /// 1280x720), accepting a test certificate.
    /// </summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await _browser!.NewContextAsync(options);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Step.TotalMilliseconds);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout((float)Step.TotalMilliseconds);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Tests in this collection share one <see cref="Chromium"/> (xunit wants the definition in the tests' own
/// assembly, which it is: this file is compiled into each).</summary>
[CollectionDefinition(nameof(Chromium))]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>;
