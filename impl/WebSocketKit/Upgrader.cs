using System.Buffers;
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
    /// How long the client has to send its whole request (default 10 s). gorilla applies none by
    /// default, so a client that sends one byte a minute holds a slot forever.
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

    /// <summary>Options for the connections this Upgrader creates (buffers, pool, read limit, logger).</summary>
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
    /// LF and other control characters in them are replaced by spaces. On refusal the response is
    /// written and <see cref="HandshakeException"/> thrown; the caller still owns, and closes, the stream.
    /// </summary>
    public async ValueTask<Conn> UpgradeAsync(Stream stream, IEnumerable<KeyValuePair<string, string>>? responseHeaders = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var logger = ConnectionOptions.Logger ?? NullLogger.Instance;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        var limits = Limits;
        var buffer = ArrayPool<byte>.Shared.Rent(limits.MaxHeadBytes + 1);
        try
        {
            int filled = 0;
            HttpRequestHead? request;
            int consumed;
            while (true)
            {
                var status = HttpHeadParser.ParseRequest(buffer.AsSpan(0, filled), limits, out request, out consumed, out var error);
                if (status == HttpParseStatus.Complete) break;
                if (status == HttpParseStatus.Invalid)
                    throw await RefuseAsync(stream, null, new HandshakeVerdict(HttpParseErrors.Status(error), HttpParseErrors.Describe(error)), responseHeaders, timeout.Token).ConfigureAwait(false);
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer.AsMemory(filled, Math.Min(buffer.Length, limits.MaxHeadBytes + 1) - filled), timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new HandshakeException(408, "the client did not send its request within the handshake timeout", e);
                }
                if (n == 0) throw new HandshakeException(400, "the client closed the connection during the handshake");
                filled += n;
            }

            var verdict = ServerHandshake.Validate(request!);
            if (verdict.Accepted && !(CheckOrigin ?? ServerHandshake.SameOrigin)(request!))
                verdict = new HandshakeVerdict(403, "origin not allowed");
            if (!verdict.Accepted)
                throw await RefuseAsync(stream, request, verdict, responseHeaders, timeout.Token).ConfigureAwait(false);

            string? subprotocol = ServerHandshake.SelectSubprotocol(request!, Subprotocols);
            PerMessageDeflateParameters? compression = null;
            string? extensions = null;
            if (EnableCompression)
                PerMessageDeflateNegotiation.TryAcceptOffer(ExtensionOffers(request!), CompressionOptions, out compression, out extensions);
            var response = ServerHandshake.BuildAccept(verdict.Key!, subprotocol, extensions, responseHeaders);
            try
            {
                await stream.WriteAsync(response, timeout.Token).ConfigureAwait(false);
                await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HandshakeException(408, "the 101 response could not be written within the handshake timeout", e);
            }
            logger.LogDebug("websocket: upgraded {Target}{Protocol}", request!.Target, subprotocol is null ? "" : " with subprotocol " + subprotocol);
            // Bytes after the request already belong to the WebSocket stream; gorilla refuses them.
            return new Conn(stream, Role.Server, ConnectionOptions, subprotocol, buffer.AsSpan(consumed, filled - consumed), compression);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IEnumerable<string> ExtensionOffers(HttpRequestHead request)
    {
        foreach (var (name, value) in request.Headers)
            if (string.Equals(name, "Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)) yield return value;
    }

    private async ValueTask<HandshakeException> RefuseAsync(Stream stream, HttpRequestHead? request, HandshakeVerdict verdict,
        IEnumerable<KeyValuePair<string, string>>? responseHeaders, CancellationToken token)
    {
        (ConnectionOptions.Logger ?? NullLogger.Instance).LogInformation("websocket: handshake refused with {Status}: {Reason}", verdict.Status, verdict.Reason);
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
            return new HandshakeException(verdict.Status, verdict.Reason + " (the refusal could not be written)", e);
        }
        return new HandshakeException(verdict.Status, verdict.Reason);
    }
}
