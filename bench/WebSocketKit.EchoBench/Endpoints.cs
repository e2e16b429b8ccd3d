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

/// <summary>
/// Which implementation plays a role, and with what options. OursLevel6 is ours compressing at
/// zlib's default level 6, the level System.Net.WebSockets always uses (ours defaults to gorilla's 1).
/// </summary>
internal enum Impl { Ours, SystemNet, RawTcp, OursLevel6 }

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
    private readonly bool _countBytes;
    private long _bytesReceived;

    /// <param name="countBytes">Count the bytes the server reads (through a thin wrapper stream), for <see cref="BytesReceived"/>.</param>
    public EchoServer(Impl impl, bool compress, bool echo = true, bool countBytes = false)
    {
        _impl = impl;
        _compress = compress;
        _echo = echo;
        _countBytes = countBytes;
        _listener.Start(4096);
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes read from clients so far (frames as sent on the wire), when counting is on.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

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
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (_countBytes) stream = new CountingStream(stream, n => Interlocked.Add(ref _bytesReceived, n));
        bool held = false;
        try
        {
            switch (_impl)
            {
                case Impl.RawTcp:
                    if (_echo) await RawEcho.ServeAsync(stream, _stop.Token);
                    break;
                case Impl.Ours or Impl.OursLevel6:
                    var conn = await OursEndpoints.AcceptAsync(stream, _compress ? OursEndpoints.LevelFor(_impl) : null, _stop.Token);
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
        Impl.Ours or Impl.OursLevel6 => await OursEndpoints.ConnectAsync(port, compress ? OursEndpoints.LevelFor(impl) : null, token),
        Impl.SystemNet => await SystemNetEndpoints.ConnectAsync(port, compress, token),
        Impl.RawTcp => await RawEcho.ConnectAsync(port, token),
        _ => throw new ArgumentOutOfRangeException(nameof(impl)),
    };

    public static Task<IEchoClient[]> ConnectManyAsync(Impl impl, int port, bool compress, int count, CancellationToken token)
        => ConnectManyAsync(count, t => ConnectAsync(impl, port, compress, t), token);

    /// <summary><paramref name="count"/> connections made by <paramref name="connect"/>, at most 64 handshakes in flight.</summary>
    public static async Task<T[]> ConnectManyAsync<T>(int count, Func<CancellationToken, Task<T>> connect, CancellationToken token)
    {
        var clients = new T[count];
        // A bounded number of handshakes in flight keeps the listener's backlog from overflowing.
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(token);
            try { clients[i] = await connect(token); }
            finally { gate.Release(); }
        }));
        return clients;
    }

    public static async Task DisposeAllAsync(IEnumerable<IEchoClient> clients)
    {
        foreach (var c in clients) await c.DisposeAsync();
    }
}

/// <summary>Passes reads and writes through to the inner stream, reporting the bytes read.</summary>
internal sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        onRead(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        onRead(n);
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
