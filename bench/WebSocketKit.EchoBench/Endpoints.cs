using System.Net;
using System.Net.Sockets;

namespace WebSocketKit.EchoBench;

/// <summary>The client end of one echo connection, whatever the implementation.</summary>
internal interface IEchoClient : IAsyncDisposable
{
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken token);

    /// <summary>
    /// Reads one whole message into <paramref name="buffer"/> and returns its length;
    /// <paramref name="expected"/> is what was sent (raw TCP has no message boundaries).
    /// </summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, int expected, CancellationToken token);
}

/// <summary>Which implementation plays a role, and with what options.</summary>
internal enum Impl { Ours, SystemNet, RawTcp }

/// <summary>
/// A listener on 127.0.0.1 that upgrades every accepted socket with one implementation and, in echo
/// mode, sends each message back; in idle mode it only keeps the connection objects alive.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<IAsyncDisposable> _held = [];
    private readonly Task _acceptLoop;
    private readonly Impl _impl;
    private readonly bool _compress;
    private readonly bool _echo;

    public EchoServer(Impl impl, bool compress, bool echo = true)
    {
        _impl = impl;
        _compress = compress;
        _echo = echo;
        _listener.Start(4096);
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            socket.NoDelay = true;
            var task = ServeAsync(socket);
            lock (_loops) _loops.Add(task);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        bool held = false;
        try
        {
            switch (_impl)
            {
                case Impl.RawTcp:
                    if (_echo) await RawEcho.ServeAsync(stream, _stop.Token);
                    break;
                case Impl.Ours:
                    var conn = await OursEndpoints.AcceptAsync(stream, _compress, _stop.Token);
                    if (_echo) await OursEndpoints.EchoAsync(conn, _stop.Token);
                    else lock (_held) { _held.Add(conn); held = true; }
                    break;
                case Impl.SystemNet:
                    var ws = await SystemNetEndpoints.AcceptAsync(stream, _compress, _stop.Token);
                    if (_echo) await SystemNetEndpoints.EchoAsync(ws, _stop.Token);
                    else lock (_held) { _held.Add(new DisposableWebSocket(ws)); held = true; }
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException
                                       or System.Net.WebSockets.WebSocketException or CloseException or ConnectionClosedException)
        {
            // The client went away or the server stops: the end of this connection, not a failure.
        }
        finally
        {
            // A held idle connection is disposed with the server; anything else ends here.
            if (!held) await stream.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="count"/> idle connections are upgraded and held.</summary>
    public async Task WaitHeldAsync(int count, CancellationToken token)
    {
        while (true)
        {
            lock (_held) if (_held.Count >= count) return;
            Task[] loops;
            lock (_loops) loops = [.. _loops];
            // Each upgrade ends its ServeAsync task in idle mode, so waiting on them is the signal.
            await Task.WhenAll(loops).WaitAsync(token);
            lock (_held) if (_held.Count >= count) return;
            if (loops.Length >= count) throw new InvalidOperationException($"only {_held.Count} of {count} idle connections were upgraded");
            await Task.Yield();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        Task[] loops;
        lock (_loops) loops = [.. _loops];
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var h in _held) await h.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class DisposableWebSocket(System.Net.WebSockets.WebSocket ws) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            ws.Abort();
            ws.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Opens client connections of any implementation to a server port.</summary>
internal static class Clients
{
    public static async Task<IEchoClient> ConnectAsync(Impl impl, int port, bool compress, CancellationToken token) => impl switch
    {
        Impl.Ours => await OursEndpoints.ConnectAsync(port, compress, token),
        Impl.SystemNet => await SystemNetEndpoints.ConnectAsync(port, compress, token),
        Impl.RawTcp => await RawEcho.ConnectAsync(port, token),
        _ => throw new ArgumentOutOfRangeException(nameof(impl)),
    };

    public static async Task<IEchoClient[]> ConnectManyAsync(Impl impl, int port, bool compress, int count, CancellationToken token)
    {
        var clients = new IEchoClient[count];
        // A bounded number of handshakes in flight keeps the listener's backlog from overflowing.
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(token);
            try { clients[i] = await ConnectAsync(impl, port, compress, token); }
            finally { gate.Release(); }
        }));
        return clients;
    }

    public static async Task DisposeAllAsync(IEnumerable<IEchoClient> clients)
    {
        foreach (var c in clients) await c.DisposeAsync();
    }
}
