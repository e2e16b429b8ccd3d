using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>A third-party echo server (a Debian package) run as a process on a free 127.0.0.1 port for one test class.</summary>
public abstract class PeerServer : IAsyncLifetime
{
    private Process? _process;
    public Uri Url { get; private set; } = null!;

    /// <summary>The program, its arguments and extra environment; the server must print a line containing "echo on" once listening.</summary>
    protected abstract (string Program, string[] Args, Dictionary<string, string> Env) Command(int port);

    public async Task InitializeAsync()
    {
        int port = FreePort();
        var (program, args, env) = Command(port);
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program} (run `make deps`)");
        _process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("echo on") == true) listening.TrySetResult(); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) listening.TrySetException(new InvalidOperationException($"{program}: {e.Data}")); };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{program} exited before listening (run `make deps`)"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Url = new Uri($"ws://127.0.0.1:{port}");
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    protected static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);
}

/// <summary>Debian's node-ws echo server, exactly as the official run used it (permessage-deflate on).</summary>
public sealed class NodeWsServer : PeerServer
{
    protected override (string, string[], Dictionary<string, string>) Command(int port) =>
        ("node", [Data("official-node-ws/echo-server.js")], new() { ["NODE_PATH"] = "/usr/share/nodejs", ["PMD"] = "1", ["PORT"] = port.ToString() });
}

/// <summary>Debian's python3-websockets echo server (permessage-deflate on), run with the system Python.</summary>
public sealed class PythonWebsocketsServer : PeerServer
{
    protected override (string, string[], Dictionary<string, string>) Command(int port) =>
        ("/usr/bin/python3", [Data("python-websockets-echo.py")], new() { ["PMD"] = "1", ["PORT"] = port.ToString() });
}

/// <summary>Our gorilla/websocket echo server (conformance/peers/gorilla/peer), permessage-deflate on.</summary>
public sealed class GorillaServer : PeerServer
{
    protected override (string, string[], Dictionary<string, string>) Command(int port) =>
        (Peers.Gorilla, ["server"], new() { ["PMD"] = "1", ["PORT"] = port.ToString() });
}

/// <summary>Our autobahn-python echo server (conformance/peers/autobahn-python/echo_server.py), permessage-deflate on.</summary>
public sealed class AutobahnPythonServer : PeerServer
{
    protected override (string, string[], Dictionary<string, string>) Command(int port) =>
        (Peers.Python, [Peers.Script("autobahn-python", "echo_server.py")], new() { ["PMD"] = "1", ["PORT"] = port.ToString() });
}
