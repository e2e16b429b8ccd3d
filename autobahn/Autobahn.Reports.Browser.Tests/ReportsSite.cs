using System.Net;
using System.Net.Sockets;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>
/// A real reports site, made once for the tests the way .github/workflows/pages.yml makes it: the built wsconform
/// runs <see cref="Cases"/> against our echo server (server mode) and our client (client mode), then
/// scripts/build-pages.sh turns that reports folder into the site, which Kestrel serves on 127.0.0.1.
/// </summary>
public sealed class ReportsSite : IAsyncLifetime
{
    /// <summary>Six chapter rows (12.1.1 is counted in "12/13"), the largest frames of chapters 1, 7 and 9 in the wire
    /// logs, pings between fragments (5.19), the 9.x timings chart, and 7.1.6, whose verdict is INFORMATIONAL, so not
    /// every case is OK. 21 cases a mode: the checks open every case page in the browser, and stay short.</summary>
    public const string Cases = "1.1.*,1.2.8,2.1,2.10,5.1,5.19,7.1.*,9.1.1,12.1.1";

    /// <summary>The report folders of the two modes, as build-pages.sh publishes them.</summary>
    public static readonly IReadOnlyList<string> Modes = ["servers", "clients"];

    // Generous: a mode takes about 5 s alone; the bound only keeps a hung run from hanging the tests.
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("reports-site-");
    private StaticSite? _server;

    /// <summary>The built site on disk.</summary>
    public string Folder => Path.Combine(_work.FullName, "site");

    /// <summary>The site's root as served: http://127.0.0.1:PORT/.</summary>
    public Uri Root => _server!.Root;

    public async Task InitializeAsync()
    {
        var reports = Path.Combine(_work.FullName, "reports");
        await WsconformAsync("server", "--cases", Cases, "--reports", reports);
        await WsconformAsync("client", "--client", "websocketkit", "--port", FreePort().ToString(), "--cases", Cases, "--reports", reports);
        var (exit, output) = await ChildProcess.RunAsync(Repo.Script("build-pages.sh"), [Folder, reports], Repo.Root, RunLimit,
            new Dictionary<string, string> { ["CONFIG"] = Repo.Configuration });
        if (exit != 0) throw new InvalidOperationException($"build-pages.sh exited {exit}:\n{output}");
        _server = await StaticSite.StartAsync(Folder);
    }

    /// <summary>Serves a copy of the site changed by <paramref name="change"/> (given the copy's folder), to show
    /// that a check sees what is wrong with it. Disposing stops it and deletes the copy.</summary>
    public async Task<ServedCopy> ServeCopyAsync(Action<string> change)
    {
        var copy = Directory.CreateTempSubdirectory("reports-site-copy-").FullName;
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        change(copy);
        return new ServedCopy(copy, await StaticSite.StartAsync(copy));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _work.Delete(recursive: true);
    }

    /// <summary>Exit 0 (passed) or 1 (a verdict failed) both leave reports to publish; 2 means it could not run.</summary>
    private async Task WsconformAsync(params string[] args)
    {
        var (exit, output) = await ChildProcess.RunAsync("dotnet", [Repo.Wsconform, .. args], _work.FullName, RunLimit);
        if (exit is not (0 or 1)) throw new InvalidOperationException($"wsconform {string.Join(' ', args)} exited {exit}:\n{output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The site is made once for both test classes, and read with one browser.</summary>
[CollectionDefinition(nameof(ReportsSite))]
public sealed class ReportsSiteCollection : ICollectionFixture<ReportsSite>, ICollectionFixture<Chromium>;

/// <summary>A changed copy of the site and the server serving it.</summary>
public sealed class ServedCopy(string folder, StaticSite server) : IAsyncDisposable
{
    public Uri Root => server.Root;

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
