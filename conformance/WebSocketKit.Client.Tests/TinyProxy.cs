using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebSocketKit.ClientTests;

/// <summary>
/// Debian's tinyproxy (installed by `make deps`) as a real HTTP CONNECT proxy on a free loopback
/// port, with a generated configuration: only 127.0.0.1 may use it, CONNECT only to the given
/// ports, optionally Basic authentication. Killed and cleaned up on dispose.
/// </summary>
internal sealed class TinyProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private TinyProxy(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The proxy URI, with credentials when given.</summary>
    public Uri Uri(string? user = null, string? password = null)
        => new(user is null ? $"http://127.0.0.1:{Port}/" : $"http://{System.Uri.EscapeDataString(user)}:{System.Uri.EscapeDataString(password ?? "")}@127.0.0.1:{Port}/");

    public string Log => File.Exists(Path.Combine(_dir, "tinyproxy.log")) ? File.ReadAllText(Path.Combine(_dir, "tinyproxy.log")) : "";

    public static async Task<TinyProxy> StartAsync(IEnumerable<int> connectPorts, (string User, string Password)? basicAuth = null)
    {
        const string binary = "/usr/bin/tinyproxy";
        if (!File.Exists(binary)) throw new InvalidOperationException("tinyproxy is not installed; run `make deps` (it installs Debian's tinyproxy).");
        int port = FreePort();
        var dir = Directory.CreateTempSubdirectory("wsk-tinyproxy-").FullName;
        var config = new List<string>
        {
            $"Port {port}",
            "Listen 127.0.0.1",
            "Timeout 30",
            "MaxClients 256",
            "Allow 127.0.0.1",
            "DisableViaHeader Yes",
            "LogLevel Info",
            $"LogFile \"{Path.Combine(dir, "tinyproxy.log")}\"",
        };
        config.AddRange(connectPorts.Select(p => $"ConnectPort {p}"));
        if (basicAuth is { } auth) config.Add($"BasicAuth {auth.User} {auth.Password}");
        if (Environment.UserName == "root") config.Add("User nobody");
        var configPath = Path.Combine(dir, "tinyproxy.conf");
        await File.WriteAllLinesAsync(configPath, config);
        // The log file must be writable after tinyproxy drops to 'nobody'.
        await File.WriteAllTextAsync(Path.Combine(dir, "tinyproxy.log"), "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(dir, "tinyproxy.log"), (UnixFileMode)0b110_110_110);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        }
        var process = Process.Start(new ProcessStartInfo(binary, ["-d", "-c", configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var proxy = new TinyProxy(process, dir, port);
        try
        {
            await proxy.WaitUntilListeningAsync();
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
        return proxy;
    }

    // Readiness: the proxy is up once its port accepts a connection (bounded, gives up if it exits).
    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"tinyproxy exited with {_process.ExitCode}: {Log}");
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(Bounds.Step);
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
