using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>What the <see cref="Upgrader.Error"/> callback gets to write a refusal.</summary>
/// <param name="Stream">The client's stream; the callback writes a complete HTTP response to it.</param>
/// <param name="Request">The request, or null when it could not be parsed.</param>
/// <param name="Status">The HTTP status to refuse with.</param>
/// <param name="Reason">Why.</param>
/// <param name="DefaultResponse">The response the Upgrader would send: status line, headers, plain-text body.</param>
public sealed record HandshakeFailure(Stream Stream, HttpRequestHead? Request, int Status, string Reason, ReadOnlyMemory<byte> DefaultResponse);

/// <summary>
/// Turns an HTTP/1.1 upgrade request on a stream into a server-side <see cref="Conn"/> (gorilla's
/// <c>Upgrader</c>). It reads and parses the request itself (strictly, within
/// <see cref="Limits"/> and <see cref="HandshakeTimeout"/>), so it works on any duplex stream:
/// a <see cref="System.Net.Sockets.NetworkStream"/> from a listener, an
/// <see cref="System.Net.Security.SslStream"/> after AuthenticateAsServerAsync, a pipe. One
/// Upgrader serves any number of connections; configure it before first use.
/// </summary>
public sealed class Upgrader
{
    /// <summary>
    /// How long the client has to send its whole request, and the server to write its answer
    /// (default 10 s); a client too slow gets <c>408 Request Timeout</c>. <see cref="TimeSpan.Zero"/>
    /// and <see cref="Timeout.InfiniteTimeSpan"/> mean no timeout (gorilla's zero value, and gorilla's
    /// default, under which a client that sends one byte a minute holds a slot forever); another
    /// negative value makes <see cref="UpgradeAsync"/> throw <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bounds on the request head (request line, field count, header bytes).</summary>
    public HttpParseLimits Limits { get; set; } = HttpParseLimits.Default;

    /// <summary>The server's subprotocols, most preferred first; the first one the client offers wins.</summary>
    public IReadOnlyList<string> Subprotocols { get; set; } = [];

    /// <summary>
    /// Decides whether the request's Origin is acceptable; false refuses with 403. Null (the
    /// default) applies <see cref="ServerHandshake.SameOrigin"/>: no Origin, or an Origin whose host
    /// equals Host. To accept any origin, set a function returning true, knowingly.
    /// </summary>
    public Func<HttpRequestHead, bool>? CheckOrigin { get; set; }

    /// <summary>
    /// Writes the refusal when the handshake fails. Null (the default) writes
    /// <see cref="HandshakeFailure.DefaultResponse"/>.
    /// </summary>
    public Func<HandshakeFailure, CancellationToken, ValueTask>? Error { get; set; }

    /// <summary>
    /// Whether to negotiate permessage-deflate (RFC 7692): the first offer of the client that
    /// <see cref="CompressionOptions"/> can honour is accepted, and the connection compresses as
    /// agreed. Off by default, as in gorilla.
    /// </summary>
    public bool EnableCompression { get; set; }

    /// <summary>
    /// What the server accepts and how it compresses when <see cref="EnableCompression"/> is set:
    /// context takeover allowed or not, largest windows, level, memory level, and the size below
    /// which messages go uncompressed. The defaults accept any offer as made.
    /// </summary>
    public PerMessageDeflateOptions CompressionOptions { get; set; } = new();

    /// <summary>
    /// Options for the connections this Upgrader creates (buffers, pool, read limit, timeouts,
    /// logger). Each upgrade takes its own validated copy before answering, so a change affects
    /// only later connections.
    /// </summary>
    public ConnectionOptions ConnectionOptions { get; set; } = new();

    /// <summary>gorilla's field: same as <see cref="ConnectionOptions.ReadBufferSize"/>.</summary>
    public int ReadBufferSize { get => ConnectionOptions.ReadBufferSize; set => ConnectionOptions.ReadBufferSize = value; }

    /// <summary>gorilla's field: same as <see cref="ConnectionOptions.WriteBufferSize"/>.</summary>
    public int WriteBufferSize { get => ConnectionOptions.WriteBufferSize; set => ConnectionOptions.WriteBufferSize = value; }

    /// <summary>gorilla's field: same as <see cref="ConnectionOptions.WriteBufferPool"/>.</summary>
    public System.Buffers.ArrayPool<byte>? WriteBufferPool { get => ConnectionOptions.WriteBufferPool; set => ConnectionOptions.WriteBufferPool = value; }

    /// <summary>
    /// Reads the opening handshake from <paramref name="stream"/>, answers it, and returns the
    /// connection. <paramref name="responseHeaders"/> are added to the 101 (or to a refusal); CR,
    /// LF and other control characters in them are replaced by spaces. On refusal (including
    /// <c>408</c> when the request does not arrive within <see cref="HandshakeTimeout"/>) the
    /// response is written and <see cref="HandshakeException"/> thrown; the caller still owns, and
    /// closes, the stream. Invalid settings (a <see cref="ConnectionOptions"/> value or
    /// <see cref="HandshakeTimeout"/> out of range) throw <see cref="ArgumentException"/> before
    /// anything is read from or written to the stream: the misconfiguration is the server's, and the
    /// caller decides what the client gets (closing the stream, or a 500 of its own).
    /// </summary>
    public async ValueTask<Conn> UpgradeAsync(Stream stream, IEnumerable<KeyValuePair<string, string>>? responseHeaders = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var options = ConnectionOptions.Snapshot();
        var handshakeTimeout = ConnectionOptions.NormaliseTimeout(HandshakeTimeout, nameof(HandshakeTimeout));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(handshakeTimeout);
        using var head = new HttpHeadBuffer(Limits);
        HttpRequestHead? request;
        while (true)
        {
            var status = head.ParseRequest(out request, out var error);
            if (status == HttpParseStatus.Complete) break;
            if (status == HttpParseStatus.Invalid)
                throw await RefuseAsync(stream, null, new HandshakeVerdict(HttpParseErrors.Status(error), HttpParseErrors.Describe(error)),
                    options, responseHeaders, timeout.Token).ConfigureAwait(false);
            int n;
            try
            {
                n = await stream.ReadAsync(head.Free, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The handshake's time is up, so the 408 gets a short time of its own.
                using var late = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                late.CancelAfter(RefusalWriteTimeout);
                throw await RefuseAsync(stream, null, new HandshakeVerdict(408, "the client did not send its request within the handshake timeout"),
                    options, responseHeaders, late.Token, e).ConfigureAwait(false);
            }
            if (n == 0) throw new HandshakeException(400, "the client closed the connection during the handshake");
            head.Commit(n);
        }

        var result = Negotiate(request!, responseHeaders);
        if (!result.Accepted)
            throw await RefuseAsync(stream, request, result.Verdict, options, responseHeaders, timeout.Token).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(ServerHandshake.BuildSwitchingProtocols(result.ResponseHeaders), timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(408, "the 101 response could not be written within the handshake timeout", e);
        }
        // Bytes after the request already belong to the WebSocket stream; gorilla refuses them.
        return Accepted(stream, request!, result, options, head.After, null, null);
    }

    // How long a refusal may take to write once the handshake timeout has passed.
    private static readonly TimeSpan RefusalWriteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>What the negotiation reads from this Upgrader.</summary>
    internal ServerHandshakeSettings HandshakeSettings => new(Subprotocols, CheckOrigin, EnableCompression ? CompressionOptions : null);

    /// <summary>The one negotiation both hosts run: the stream path above and the ASP.NET Core glue.</summary>
    internal ServerNegotiationResult Negotiate(HttpRequestHead request, IEnumerable<KeyValuePair<string, string>>? responseHeaders)
        => ServerNegotiation.Negotiate(request, HandshakeSettings, responseHeaders);

    internal static void LogRefusal(ConnectionOptions options, HandshakeVerdict verdict)
        => (options.Logger ?? NullLogger.Instance).LogInformation("websocket: handshake refused with {Status}: {Reason}", verdict.Status, verdict.Reason);

    /// <summary>The connection, once the host has sent the acceptance.</summary>
    internal static Conn Accepted(Stream stream, HttpRequestHead request, ServerNegotiationResult result, ConnectionOptions options,
        ReadOnlySpan<byte> bufferedInput, EndPoint? localEndPoint, EndPoint? remoteEndPoint)
    {
        (options.Logger ?? NullLogger.Instance).LogDebug("websocket: upgraded {Target}{Protocol}", request.Target,
            result.Subprotocol is null ? "" : " with subprotocol " + result.Subprotocol);
        return new Conn(stream, Role.Server, options, result.Subprotocol, bufferedInput, result.Compression, localEndPoint, remoteEndPoint);
    }

    private async ValueTask<HandshakeException> RefuseAsync(Stream stream, HttpRequestHead? request, HandshakeVerdict verdict, ConnectionOptions options,
        IEnumerable<KeyValuePair<string, string>>? responseHeaders, CancellationToken token, Exception? cause = null)
    {
        LogRefusal(options, verdict);
        var response = ServerHandshake.BuildRefusal(verdict, responseHeaders);
        try
        {
            if (Error is { } error)
                await error(new HandshakeFailure(stream, request, verdict.Status, verdict.Reason, response), token).ConfigureAwait(false);
            else
            {
                await stream.WriteAsync(response, token).ConfigureAwait(false);
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return new HandshakeException(verdict.Status, verdict.Reason + " (the refusal could not be written)", cause ?? e);
        }
        return new HandshakeException(verdict.Status, verdict.Reason, cause);
    }
}
