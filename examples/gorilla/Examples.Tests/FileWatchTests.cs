using Examples.FileWatch;
using static Microsoft.Playwright.Assertions;

namespace Examples.Tests;

[Collection(nameof(Chromium))]
public sealed class FileWatchTests(Chromium chromium) : IDisposable
{
    private static readonly FileWatchOptions FastPoll = new() { PollPeriod = TimeSpan.FromMilliseconds(50) };
    private readonly string _dir = Directory.CreateTempSubdirectory("filewatch-").FullName;

    private string File(string name) => Path.Combine(_dir, name);

    private Task<ExampleHost> StartAsync(string path) => ExampleHost.StartAsync(addr => FileWatchServer.Build(addr, path, FastPoll));

    [Fact]
    public async Task The_page_shows_the_file_and_each_new_version_of_it()
    {
        string path = File("notes.txt");
        await System.IO.File.WriteAllTextAsync(path, "first version");
        await using var host = await StartAsync(path);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Http.ToString());
        var shown = page.Locator("#fileData");
        await Expect(shown).ToHaveTextAsync("first version");

        await System.IO.File.WriteAllTextAsync(path, "second version,\nnow on two lines");
        await Expect(shown).ToHaveTextAsync("second version,\nnow on two lines");
    }

    [Fact]
    public async Task A_missing_file_is_reported_then_sent_once_it_appears()
    {
        string path = File("later.txt");
        await using var host = await StartAsync(path);
        await using var peer = await Peer.DialAsync(host.Ws("/ws"));
        Assert.Contains("no such file", await peer.NextAsync());

        await System.IO.File.WriteAllTextAsync(path, "here now");
        Assert.Equal("here now", await peer.NextAsync());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
