using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>Debian's node-ws echo server (the one the official run used), started on a free 127.0.0.1 port for one test class.</summary>
public sealed class NodeWsServer : IAsyncLifetime
{
    private Process? _process;
    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        int port = FreePort();
        var script = Path.Combine(AppContext.BaseDirectory, "Data", "official-node-ws", "echo-server.js");
        var psi = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NODE_PATH"] = "/usr/share/nodejs";
        psi.Environment["PMD"] = "1";
        psi.Environment["PORT"] = port.ToString();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node (is nodejs installed? `make deps`)");
        _process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("echo on") == true) listening.TrySetResult(); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) listening.TrySetException(new InvalidOperationException("node-ws: " + e.Data)); };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("node exited before listening (is node-ws installed? `make deps`)"));
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
}
