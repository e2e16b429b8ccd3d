using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebSocketKit.Protocol;

namespace WebSocketKit.EchoServer;

/// <summary>
/// A WebSocket echo server on 127.0.0.1: upgrades every request (any path) and sends each text or
/// binary message back unchanged, as one message. Used by the tests, the Autobahn runner and
/// anyone who wants a peer (`make echo-server`). With a certificate it serves wss:// (TLS first,
/// then the upgrade on the <see cref="SslStream"/>). After a burst of 256 or more opens or closes it compacts
/// the heap once (<see cref="MemoryReturn"/>), so memory held for gone connections goes back to the system.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Upgrader _upgrader;
    private readonly ILogger _logger;
    private readonly ConnectionRegistry _registry = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Conn> _open = new();
    private Task? _acceptLoop;
    // Tasks that may still read _stop's token: one per connection being served, plus one held by
    // the server itself until DisposeAsync; _stop is disposed only after the count reaches zero.
    private int _serving = 1;
    private readonly TaskCompletionSource _served = NewSignal();
    private int _disposed;
    private TaskCompletionSource _openChanged = NewSignal();
    private long _handshakes;
    private readonly SslStreamCertificateContext? _tls;
    private readonly MemoryReturn _memoryReturn;

    /// <summary>
    /// Creates a server on 127.0.0.1:<paramref name="port"/> (0 picks a free port); call <see cref="Start"/>.
    /// With <paramref name="certificate"/> (which must carry its private key) every connection starts with a TLS
    /// handshake, bounded by the upgrader's <see cref="Upgrader.HandshakeTimeout"/>: the server speaks wss://.
    /// </summary>
    public EchoServer(int port, Upgrader upgrader, ILogger? logger = null, X509Certificate2? certificate = null)
    {
        if (certificate is { HasPrivateKey: false })
            throw new ArgumentException("the TLS certificate has no private key", nameof(certificate));
        _listener = new TcpListener(IPAddress.Loopback, port);
        _upgrader = upgrader;
        _logger = logger ?? NullLogger.Instance;
        _tls = certificate is null ? null : SslStreamCertificateContext.Create(certificate, additionalCertificates: null);
        _memoryReturn = new MemoryReturn(() => OpenConnections);
    }

    /// <summary>"wss" with a certificate, else "ws".</summary>
    public string Scheme => _tls is null ? "ws" : "wss";

    /// <summary>The port listened on (after <see cref="Start"/>).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections open right now.</summary>
    public int OpenConnections { get { lock (_open) return _open.Count; } }

    /// <summary>Successful handshakes so far.</summary>
    public long Handshakes => Interlocked.Read(ref _handshakes);

    /// <summary>Completes when exactly <paramref name="count"/> connections are open.</summary>
    public async Task WaitForOpenConnectionsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_open)
            {
                if (_open.Count == count) return;
                changed = _openChanged.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void ChangeOpen(Conn conn, bool add)
    {
        TaskCompletionSource signal;
        int count;
        lock (_open)
        {
            if (add) _open.Add(conn);
            else _open.Remove(conn);
            count = _open.Count;
            signal = _openChanged;
            _openChanged = NewSignal();
        }
        signal.TrySetResult();
        _memoryReturn.Observe(count);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts listening and accepting.</summary>
    public void Start()
    {
        _listener.Start(backlog: 4096);
        _acceptLoop = AcceptLoopAsync();
        _logger.LogInformation("echo server listening on {Scheme}://127.0.0.1:{Port}/", Scheme, Port);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            // A stop between the loop's check and the accept makes the listener refuse at once ("Not listening").
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException
                                      || (e is InvalidOperationException && (_stop.IsCancellationRequested || _registry.IsShuttingDown)))
            {
                if (_stop.IsCancellationRequested || _registry.IsShuttingDown) return;
                _logger.LogWarning("accept failed: {Message}", e.Message);
                continue;
            }
            socket.NoDelay = true;
            Interlocked.Increment(ref _serving);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await Task.Yield();
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            Conn conn;
            try
            {
                if (_tls is not null) stream = await AuthenticateAsync(stream).ConfigureAwait(false);
                conn = await _upgrader.UpgradeAsync(stream, cancellationToken: _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogDebug("handshake failed: {Message}", e.Message);
                await stream.DisposeAsync().ConfigureAwait(false);
                return;
            }
            Interlocked.Increment(ref _handshakes);
            ChangeOpen(conn, add: true);
            // DisposeAsync aborts the connections open when it looks; one added after that sees the stop here.
            if (_stop.IsCancellationRequested) conn.Abort();
            try
            {
                // No token: shutdown and disposal end the loop by closing or aborting the connection, and an
                // idle read without one registers nothing (a registration per waiting connection is memory).
                await EchoAsync(conn, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                ChangeOpen(conn, add: false);
                await conn.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            ServingEnded();
        }
    }

    // TLS before the upgrade, within the same time a client has for its HTTP request.
    private async Task<Stream> AuthenticateAsync(Stream stream)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var limit = _upgrader.HandshakeTimeout;
        if (limit > TimeSpan.Zero) timeout.CancelAfter(limit);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _tls }, timeout.Token).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void ServingEnded()
    {
        if (Interlocked.Decrement(ref _serving) == 0) _served.TrySetResult();
    }

    /// <summary>The echo loop (<see cref="EchoLoop.RunAsync"/>) for one of this server's connections.</summary>
    public Task EchoAsync(Conn conn, CancellationToken cancellationToken) => EchoLoop.RunAsync(conn, _registry, _logger, cancellationToken);

    /// <summary>The connections being echoed, for shutdown and for counting.</summary>
    public ConnectionRegistry Registry => _registry;

    /// <summary>
    /// Graceful shutdown: stops accepting, sends Close 1001 to every open connection, waits up to
    /// <paramref name="deadline"/> for their Close frames, drops the rest, and waits for every echo
    /// loop to end. <see cref="DisposeAsync"/> afterwards releases the rest.
    /// </summary>
    public async Task<ShutdownResult> ShutdownAsync(TimeSpan deadline)
    {
        var result = _registry.ShutdownAsync(deadline);
        _listener.Stop();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        var done = await result.ConfigureAwait(false);
        // Every stream is closed now, so each echo loop ends at its next read.
        await _registry.Drained.WaitAsync(deadline + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _logger.LogInformation("shutdown: {Count} connections, {Clean} closed cleanly, {Dropped} dropped", done.Connections, done.ClosedCleanly, done.Dropped);
        return done;
    }

    /// <summary>
    /// Stops accepting, closes every open connection at once, and waits for every connection's
    /// task (handshakes in progress included) to end before releasing the rest.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _listener.Stop();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        Conn[] open;
        lock (_open) open = [.. _open];
        foreach (var c in open) c.Abort();
        ServingEnded();
        await _served.Task.ConfigureAwait(false);
        _memoryReturn.Dispose();
        _stop.Dispose();
    }
}
