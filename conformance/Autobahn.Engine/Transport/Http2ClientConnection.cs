using System.Buffers.Binary;
using Autobahn.Engine.Http2;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Autobahn.Engine.Transport;

/// <summary>
/// A WebSocket over HTTP/2 from the client's side (RFC 8441): one extended CONNECT stream on an HTTP/2 connection of
/// its own, opened by .NET's SocketsHttpHandler (h2c with prior knowledge for http://, ALPN h2 over TLS for https://).
/// Each case gets its own connection, as the official suite gives each its own TCP connection: a server that kills
/// the connection then harms only the case that made it, and each case starts with fresh flow-control windows.
/// SocketsHttpHandler gives an extended CONNECT one duplex stream (the response content): reading it returns 0 at the
/// server's END_STREAM, and disposing it sends our END_STREAM, followed by RST_STREAM (CANCEL) when the server has
/// not ended its side yet. So our orderly end, which the session makes after the server's, is END_STREAM alone, and
/// an abort while the server still sends is a reset. The BCL has no way to half-close earlier than that; the session
/// never needs one, since a client waits for the server to end first (as over TCP it waits for the server's FIN).
/// The server's ending shows as the end of the stream (END_STREAM) or a failed read (RST_STREAM, GOAWAY, connection
/// loss). A failed read looks much the same in each of these (the handler's RST_STREAM and GOAWAY exceptions differ in
/// their text alone), and when it fails the handler may or may not have read the TCP connection's end yet; so what the
/// server ended is judged from what it sent, as the handler read it (<see cref="FrameWatch"/>) and from what became of
/// the TCP connection before then (<see cref="WatchedConnection"/>), never from which thread came first.
/// </summary>
public sealed class Http2ClientConnection : Http2StreamConnection
{
    private readonly HttpMessageInvoker _invoker;
    private readonly WatchedConnection _tcp;
    private readonly FrameWatch _frames;
    private readonly HttpResponseMessage _response;
    private string? _endedWrongly;

    private Http2ClientConnection(string transport, HttpMessageInvoker invoker, WatchedConnection tcp, FrameWatch frames, HttpResponseMessage response, Stream stream)
        : base(stream)
    {
        Transport = transport;
        (_invoker, _tcp, _frames, _response) = (invoker, tcp, frames, response);
    }

    public override string Transport { get; }

    /// <summary>What the opening handshake sent and got, as text for the reports (HTTP/2 headers are binary on the wire).</summary>
    public sealed record Handshake(string Request, string? Response, IReadOnlyDictionary<string, string> ResponseHeaders);

    /// <summary>
    /// Connects to <paramref name="url"/> (ws:// or wss://), sends the extended CONNECT and waits for 200.
    /// </summary>
    /// <param name="onHandshake">Told the request at once and the answer when it comes, so a failed handshake is still reported.</param>
    /// <exception cref="InvalidDataException">The server refused (another status), or does not allow extended CONNECT.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    public static async Task<Http2ClientConnection> OpenAsync(Uri url, bool tls, bool acceptAnyCertificate, string userAgent, string? extensions,
        Action<Handshake> onHandshake, CancellationToken ct)
    {
        var tcp = new WatchedConnection();
        var frames = new FrameWatch();
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = tcp.ConnectAsync,
            // Above TLS, where the frames are readable (h2c: the TCP stream itself).
            PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(frames.Watch(context.PlaintextStream)),
            // The stream window a case starts with; the engine reads promptly, so a large one costs nothing and keeps
            // the 16 MiB cases from crawling window by window.
            InitialHttp2StreamWindowSize = 8 * 1024 * 1024,
        };
        if (acceptAnyCertificate) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var invoker = new HttpMessageInvoker(handler);
        var target = new UriBuilder(url) { Scheme = tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp }.Uri;
        var request = new HttpRequestMessage(HttpMethod.Connect, target)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Protocol = "websocket";
        request.Headers.TryAddWithoutValidation("sec-websocket-version", "13");
        request.Headers.TryAddWithoutValidation("user-agent", userAgent);
        if (extensions is not null) request.Headers.TryAddWithoutValidation("sec-websocket-extensions", extensions);
        string requestText = Describe(request, target);
        onHandshake(new Handshake(requestText, null, new Dictionary<string, string>()));
        HttpResponseMessage? response = null;
        try
        {
            response = await invoker.SendAsync(request, ct).ConfigureAwait(false);
            var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            onHandshake(new Handshake(requestText, $":status: {(int)response.StatusCode}\r\n" + string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n")), headers));
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidDataException($"server answered the extended CONNECT with {(int)response.StatusCode} instead of 200");
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new Http2ClientConnection(tls ? WebSocketTransports.H2 : WebSocketTransports.H2c, invoker, tcp, frames, response, stream);
        }
        catch (HttpRequestException e)
        {
            response?.Dispose();
            invoker.Dispose();
            // Among them: the server did not send SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 section 3).
            throw e.HttpRequestError == HttpRequestError.ExtendedConnectNotSupported
                ? new InvalidDataException("the server does not allow extended CONNECT (no SETTINGS_ENABLE_CONNECT_PROTOCOL = 1)", e)
                : new IOException(e.Message, e);
        }
        catch
        {
            response?.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    private static string Describe(HttpRequestMessage request, Uri target)
    {
        var sb = new StringBuilder();
        sb.Append($":method: CONNECT\r\n:protocol: websocket\r\n:scheme: {target.Scheme}\r\n:authority: {target.Authority}\r\n:path: {target.PathAndQuery}\r\n");
        foreach (var h in request.Headers) if (h.Key != ":protocol") sb.Append($"{h.Key}: {string.Join(", ", h.Value)}\r\n");
        return sb.ToString();
    }

    public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        try
        {
            return await Stream.ReadAsync(buffer).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            NoteWrongEnd();
            throw new IOException(e.Message, e);
        }
        catch (IOException)
        {
            NoteWrongEnd();
            throw;
        }
    }

    /// <summary>
    /// Why a read failed, as far as the verdict goes. RFC 8441 section 5 maps the WebSocket's closing to its stream, so a
    /// stream the server reset (RST_STREAM) or ended (END_STREAM) ended in order, whatever became of the connection after.
    /// Otherwise the connection failed under the stream, which is the wrong end when the server ended the connection:
    /// by a GOAWAY that gave the stream up (the handler fails the stream there and then, before or after it reads the
    /// TCP end behind the GOAWAY, so the GOAWAY alone decides), or by closing TCP, which the handler reads (a read of 0,
    /// or a failed read or write) before it fails the stream for it. Each of these was seen before the read failed, so
    /// the answer is the same however the threads ran. Any other stream on the connection would have died with it.
    /// </summary>
    private void NoteWrongEnd()
    {
        var seen = _frames.Seen;
        if (seen.StreamReset || seen.StreamEnded) return;
        if (seen.GoAwayLastStreamId is int last && last < seen.StreamId)
            _endedWrongly ??= "The server ended the HTTP/2 connection with GOAWAY instead of ending the WebSocket's HTTP/2 stream (RFC 8441 section 5)";
        else if (_tcp.EndedByPeer)
            _endedWrongly ??= "The server closed the TCP connection instead of ending the WebSocket's HTTP/2 stream (RFC 8441 section 5)";
    }

    public override string? EndedWrongly => _endedWrongly;

    public override async ValueTask EndSendingAsync(bool abort)
    {
        // END_STREAM, and RST_STREAM (CANCEL) after it while the server still sends: see the class remarks. An abort
        // is the latter by construction, since the session aborts only a server that has not ended its side.
        await Stream.DisposeAsync().ConfigureAwait(false);
    }

    public override bool HasUnread => _tcp.HasUnread;

    public override void Dispose()
    {
        _tcp.Closing();
        Stream.Dispose();
        _response.Dispose();
        _invoker.Dispose();
    }

    /// <summary>The TCP connection under the HTTP/2 connection, watched for the server ending it.</summary>
    private sealed class WatchedConnection
    {
        private Socket? _socket;
        private volatile bool _closing;
        private volatile bool _released;
        private volatile bool _endedByPeer;

        public bool EndedByPeer => _endedByPeer;

        public bool HasUnread
        {
            get
            {
                try { return _socket is { } s && s.Available > 0; }
                catch (ObjectDisposedException) { return false; }
            }
        }

        /// <summary>From here on the connection's end is ours.</summary>
        public void Closing() => _closing = true;

        public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            _socket = socket;
            return new Watched(this, new NetworkStream(socket, ownsSocket: true));
        }

        // Once we, or the handler tearing its connection down, close the socket, a failing read or write is our doing.
        private void Ended()
        {
            if (!_closing && !_released) _endedByPeer = true;
        }

        /// <summary>
        /// Passes everything through; a read of 0, or a failed read or write, before the socket is closed on this side,
        /// is the peer ending TCP (a write fails once the peer has reset the connection, and the handler may write before
        /// it reads).
        /// </summary>
        private sealed class Watched(WatchedConnection owner, NetworkStream inner) : PassThroughStream(inner)
        {
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                try
                {
                    int n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    // A read into an empty buffer (the handler's wait for data) returns 0 without meaning an end.
                    if (n == 0 && !buffer.IsEmpty) owner.Ended();
                    return n;
                }
                catch (IOException)
                {
                    owner.Ended();
                    throw;
                }
            }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                try
                {
                    await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    owner.Ended();
                    throw;
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) owner._released = true;
                base.Dispose(disposing);
            }
        }
    }

    /// <summary>What the server sent that decides how the WebSocket's stream ended, as the handler read it.</summary>
    private readonly record struct StreamFacts(int StreamId, bool StreamEnded, bool StreamReset, int? GoAwayLastStreamId);

    /// <summary>
    /// Reads the frame headers of what the server sends, on the handler's way in (the payloads pass unread, but for
    /// GOAWAY's last stream id): the WebSocket's stream (the one the response HEADERS came on: the connection carries no
    /// other), its END_STREAM or RST_STREAM, and the lowest last stream id of any GOAWAY. A frame is noted before the
    /// handler gets its octets, so anything the handler acted on is already here.
    /// </summary>
    private sealed class FrameWatch
    {
        private const int HeaderSize = Http2Limits.FrameHeaderLength;
        private readonly Lock _lock = new();
        private readonly byte[] _header = new byte[HeaderSize];
        private readonly byte[] _goAway = new byte[4];
        private int _headerLength;
        private int _payloadLeft;
        private int _goAwayLength = -1;
        private StreamFacts _seen;

        public StreamFacts Seen
        {
            get { lock (_lock) return _seen; }
        }

        public Stream Watch(Stream plaintext) => new Observed(this, plaintext);

        /// <summary>Called by the handler's one reading loop, one read at a time.</summary>
        private void Observe(ReadOnlySpan<byte> octets)
        {
            while (!octets.IsEmpty)
            {
                if (_payloadLeft > 0)
                {
                    int n = Math.Min(_payloadLeft, octets.Length);
                    if (_goAwayLength is >= 0 and < 4)
                    {
                        int take = Math.Min(4 - _goAwayLength, n);
                        octets[..take].CopyTo(_goAway.AsSpan(_goAwayLength));
                        _goAwayLength += take;
                        if (_goAwayLength == 4) NoteGoAway(BinaryPrimitives.ReadInt32BigEndian(_goAway) & int.MaxValue);
                    }
                    _payloadLeft -= n;
                    octets = octets[n..];
                    continue;
                }
                int part = Math.Min(HeaderSize - _headerLength, octets.Length);
                octets[..part].CopyTo(_header.AsSpan(_headerLength));
                _headerLength += part;
                octets = octets[part..];
                if (_headerLength < HeaderSize) break;
                _headerLength = 0;
                (_payloadLeft, var type, var flags, var streamId) = Http2FrameCodec.ParseHeader(_header);
                _goAwayLength = type == FrameType.GoAway && _payloadLeft >= 8 ? 0 : -1;
                NoteFrame(type, flags, streamId);
            }
        }

        private void NoteFrame(FrameType type, byte flags, int streamId)
        {
            if (streamId == 0 || type is not (FrameType.Data or FrameType.Headers or FrameType.RstStream)) return;
            lock (_lock)
            {
                if (_seen.StreamId == 0 && type == FrameType.Headers) _seen = _seen with { StreamId = streamId };
                if (streamId != _seen.StreamId) return;
                if (type == FrameType.RstStream) _seen = _seen with { StreamReset = true };
                else if ((flags & FrameFlags.EndStream) != 0) _seen = _seen with { StreamEnded = true };
            }
        }

        private void NoteGoAway(int lastStreamId)
        {
            lock (_lock)
            {
                if (_seen.GoAwayLastStreamId is not int earlier || lastStreamId < earlier) _seen = _seen with { GoAwayLastStreamId = lastStreamId };
            }
        }

        /// <summary>The plaintext stream, passed through; what is read is observed on its way to the handler.</summary>
        private sealed class Observed(FrameWatch owner, Stream inner) : PassThroughStream(inner)
        {
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                int n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                owner.Observe(buffer.Span[..n]);
                return n;
            }

            public override int Read(Span<byte> buffer)
            {
                int n = Inner.Read(buffer);
                owner.Observe(buffer[..n]);
                return n;
            }
        }
    }

    /// <summary>
    /// A stream that passes everything to <see cref="Inner"/> and owns it: the two watchers above override only the
    /// reads (and writes) they look at. The array overloads go through the memory ones, so an override sees every call.
    /// </summary>
    private abstract class PassThroughStream(Stream inner) : Stream
    {
        protected Stream Inner { get; } = inner;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Inner.Read(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => Inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

        public override void Flush() => Inner.Flush();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) Inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
