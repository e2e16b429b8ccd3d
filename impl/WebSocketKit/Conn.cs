using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// One WebSocket connection (RFC 6455), on either side: the <see cref="Upgrader"/> makes
/// server-side ones; a client-side one is built over a stream whose opening handshake is done
/// (the Dialer does that). This is gorilla's <c>*websocket.Conn</c>.
/// <para>
/// <b>Messages.</b> <see cref="ReadMessageAsync(CancellationToken)"/> and <see cref="WriteMessageAsync"/> move whole
/// messages; <see cref="NextReaderAsync"/> and <see cref="NextWriter"/> stream one message through a
/// <see cref="Stream"/>. A message is a Text (UTF-8) or Binary payload, sent as one or more frames.
/// </para>
/// <para>
/// <b>Control frames.</b> Ping, Pong and Close frames may arrive between the fragments of a message.
/// They are handled inside the read calls by the ping, pong and close handlers
/// (<see cref="SetPingHandler"/> and friends), so an application must keep reading to answer pings
/// and to see the peer's close. <see cref="WriteControlAsync(MessageType, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/> sends them.
/// </para>
/// <para>
/// <b>Concurrency.</b> At most one reader (<see cref="ReadMessageAsync(CancellationToken)"/>, <see cref="NextReaderAsync"/> and
/// its stream, <see cref="ReadJsonAsync{T}(System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}, CancellationToken)"/>) and one writer
/// (<see cref="WriteMessageAsync"/>, <see cref="NextWriter"/> until its stream is disposed,
/// <see cref="WriteJsonAsync{T}(T, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}, CancellationToken)"/>, <see cref="WritePreparedMessageAsync"/>) at a time, as in gorilla; unlike gorilla,
/// a second concurrent reader or writer gets an immediate <see cref="InvalidOperationException"/>
/// instead of corrupting the stream. To write from many tasks, serialise them yourself (a
/// <see cref="SemaphoreSlim"/> around the write, or one task draining a
/// <see cref="System.Threading.Channels.Channel{T}"/>). <see cref="WriteControlAsync(MessageType, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/>,
/// <see cref="CloseAsync"/> and <see cref="DisposeAsync"/> are safe at any time: control frames go out
/// between data frames, never inside one.
/// </para>
/// <para>
/// <b>Failure.</b> When the peer breaks the protocol the connection sends the matching close code
/// (1002, 1007, 1009), closes, and the read throws <see cref="WebSocketProtocolException"/>. A
/// Close frame from the peer, or a dropped connection, surfaces as <see cref="CloseException"/>.
/// After a read or write fails (deadline, cancellation, I/O error), that side is failed for good
/// and every later call throws <see cref="ConnectionClosedException"/> naming the first failure.
/// </para>
/// </summary>
public sealed partial class Conn : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly Role _role;
    private readonly ConnectionOptions _options;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>
    /// Wraps <paramref name="stream"/>, whose opening handshake is complete, as a connection playing
    /// <paramref name="role"/>. <paramref name="bufferedInput"/> holds bytes already read past the
    /// handshake (the start of the WebSocket stream). The connection runs with a validated,
    /// read-only copy of <paramref name="options"/> (see <see cref="Options"/>); an invalid value
    /// throws <see cref="ArgumentOutOfRangeException"/>. <paramref name="compression"/> holds the
    /// permessage-deflate parameters the handshake agreed (null: compression off, and RSV1 from the
    /// peer is a protocol error).
    /// </summary>
    public Conn(Stream stream, Role role, ConnectionOptions? options = null, string? subprotocol = null,
        ReadOnlySpan<byte> bufferedInput = default, PerMessageDeflateParameters? compression = null)
        : this(stream, role, options ?? new ConnectionOptions(), subprotocol, bufferedInput, compression, null, null)
    {
    }

    /// <summary>
    /// The constructor behind the public one, for the Upgrader, the Dialer and the ASP.NET Core
    /// glue: <paramref name="options"/> is normally a snapshot already taken (and validated) before
    /// the handshake answered; <paramref name="localEndPoint"/> and <paramref name="remoteEndPoint"/>,
    /// when given, are the addresses a host knows (Kestrel's connection info) where the stream hides
    /// its socket.
    /// </summary>
    internal Conn(Stream stream, Role role, ConnectionOptions options, string? subprotocol, ReadOnlySpan<byte> bufferedInput,
        PerMessageDeflateParameters? compression, EndPoint? localEndPoint, EndPoint? remoteEndPoint)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options = options.Snapshot();
        _stream = stream;
        _role = role;
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        Subprotocol = subprotocol ?? "";
        if (!options.ReleaseReadBufferWhenIdle || !bufferedInput.IsEmpty)
        {
            _readBuf = new byte[Math.Max(options.ReadBufferSize, bufferedInput.Length)];
            bufferedInput.CopyTo(_readBuf);
        }
        _readEnd = bufferedInput.Length;
        _compression = compression;
        _receiver = new MessageReceiver(role, options.ReadLimit, compression);
        _sender = new MessageSender(role, compression);
        if (_options.WriteTimeout != Timeout.InfiniteTimeSpan) _writeDeadline = NewWriteDeadline();
        _writeBufferSize = options.WriteBufferSize;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        var socket = StreamSockets.Find(stream);
        // Only a plain socket's waiting bytes are bytes a read returns at once (under TLS they may be part of a record).
        if (stream is NetworkStream) _plainSocket = socket;
        try
        {
            // Frames leave in whole writes, so Nagle's algorithm only adds delay (a header write
            // followed by a payload write can wait for the peer's delayed ACK). Go, and so
            // gorilla, turns it off on every TCP connection; we do the same.
            if (socket is { ProtocolType: ProtocolType.Tcp }) socket.NoDelay = true;
            LocalEndPoint ??= socket?.LocalEndPoint;
            RemoteEndPoint ??= socket?.RemoteEndPoint;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
    }

    /// <summary>True when this end accepted the connection (it reads masked frames and writes unmasked ones).</summary>
    public bool IsServer => _role == Role.Server;

    /// <summary>The subprotocol chosen in the handshake, or "" when none was.</summary>
    public string Subprotocol { get; }

    /// <summary>
    /// The local address: the socket's, when the stream is a <see cref="NetworkStream"/> or wraps
    /// one (<see cref="System.Net.Security.SslStream"/>, <see cref="BufferedStream"/>), or the host's
    /// connection info (ASP.NET Core); null when neither is known.
    /// </summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>The peer's address, found the same way as <see cref="LocalEndPoint"/>; null when unknown.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// The HTTP version of the opening handshake: 1.1 for an Upgrade that took over the connection
    /// (RFC 6455), 2.0 for an extended CONNECT that opened one stream of an HTTP/2 connection
    /// (RFC 8441). Over HTTP/2 the stream stands for the TCP connection (RFC 8441 section 5): after
    /// a Close frame went out (a close handshake, or a protocol error answered with its close code)
    /// the stream ends in order (END_STREAM), and <see cref="Abort"/> without one, or a failed
    /// write, resets it (RST_STREAM); the HTTP/2 connection and its other streams go on. (On the client
    /// side the reset is SocketsHttpHandler's disposal of the request, which puts END_STREAM on the
    /// wire just before its RST_STREAM: a busy server may read that as an orderly end. Either way no
    /// Close frame came, so the server sees 1006.)
    /// </summary>
    public Version HttpVersion => _stream is ExtendedConnectStream ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;

    /// <summary>
    /// The underlying stream, for advanced use (socket options, TLS details). Reading or writing it
    /// directly corrupts the WebSocket stream.
    /// </summary>
    public Stream UnderlyingStream => _stream;

    /// <summary>
    /// The options this connection runs with: its own validated, read-only copy, taken when it was
    /// created (zero values replaced by what they stand for; see <see cref="ConnectionOptions"/>).
    /// Changing the Upgrader's or Dialer's options later does not change it.
    /// </summary>
    public ConnectionOptions Options => _options;

    /// <summary>
    /// Closes the underlying stream at once, without a close handshake (gorilla's <c>Close</c>).
    /// Pending and later reads and writes fail. Use <see cref="CloseAsync"/> for a clean close. Over
    /// HTTP/2 (see <see cref="HttpVersion"/>) this resets the stream unless a Close frame went out.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        bool writeFailed = Volatile.Read(ref _writeFailure) is not null;
        var local = new ConnectionClosedException("websocket: the connection was closed locally");
        Interlocked.CompareExchange(ref _readFailure, local, null);
        Interlocked.CompareExchange(ref _writeFailure, local, null);
        SignalPeerClosedOrFailed();
        DisposeCompression();
        // Over HTTP/2 a Close frame that went out is followed by the orderly end of the stream, as
        // by a TCP FIN over HTTP/1.1 (RFC 8441 section 5); a connection dropped without one is reset.
        if (_stream is ExtendedConnectStream tunnel && (!_sender.CloseSent || writeFailed)) tunnel.Reset();
        try { _stream.Dispose(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        // Their timers would otherwise keep this connection reachable until they next fire.
        _readDeadline?.Dispose();
        _writeDeadline?.Dispose();
        _flushDeadline?.Dispose();
    }

    /// <summary>Same as <see cref="Abort"/>: disposal never waits on the peer.</summary>
    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }
}
