using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// The Dialer's HTTP/2 road (RFC 8441): an extended CONNECT through the platform's
/// <see cref="SocketsHttpHandler"/>, one per Dialer, so that WebSockets to one server share one
/// HTTP/2 connection as separate streams.
/// </summary>
public sealed partial class Dialer
{
    private SocketsHttpHandler? _http2Handler;
    private readonly Lock _http2HandlerLock = new();

    /// <summary>
    /// The HTTP version to open WebSockets with, read with <see cref="HttpVersionPolicy"/> as
    /// <see cref="System.Net.WebSockets.ClientWebSocketOptions"/> reads its pair. 1.1 (the default)
    /// is the Upgrade of RFC 6455 section 4, on a TCP connection of its own. 2.0 is an extended
    /// CONNECT (RFC 8441): <c>:method CONNECT</c>, <c>:protocol websocket</c>, answered 200, on one
    /// stream of an HTTP/2 connection that other WebSockets and requests to the same server share;
    /// wss:// negotiates h2 by ALPN, ws:// speaks h2c with prior knowledge (RFC 9113 section 3.3).
    /// The server must have advertised SETTINGS_ENABLE_CONNECT_PROTOCOL = 1. Other versions make
    /// <see cref="DialAsync"/> throw <see cref="ArgumentException"/>.
    /// </summary>
    public Version HttpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>
    /// Whether <see cref="HttpVersion"/> may be left: <see cref="System.Net.Http.HttpVersionPolicy.RequestVersionOrLower"/>
    /// (the default) falls back from HTTP/2 to the HTTP/1.1 Upgrade when the server cannot take an
    /// extended CONNECT (no h2 by ALPN, no HTTP/2 preface answered, no SETTINGS_ENABLE_CONNECT_PROTOCOL);
    /// <see cref="System.Net.Http.HttpVersionPolicy.RequestVersionExact"/> with 2.0 fails then, with
    /// <see cref="BadHandshakeException"/> (status 0) naming the reason;
    /// <see cref="System.Net.Http.HttpVersionPolicy.RequestVersionOrHigher"/> with 1.1 tries HTTP/2 first.
    /// </summary>
    public HttpVersionPolicy HttpVersionPolicy { get; set; } = HttpVersionPolicy.RequestVersionOrLower;

    // Whether to try an extended CONNECT first, and whether the HTTP/1.1 Upgrade is allowed.
    private (bool TryHttp2, bool AllowHttp11) VersionChoice()
    {
        var version = HttpVersion ?? throw new ArgumentException("websocket: HttpVersion is null.", nameof(HttpVersion));
        bool http2 = version == System.Net.HttpVersion.Version20;
        if (!http2 && version != System.Net.HttpVersion.Version11)
            throw new ArgumentException($"websocket: HttpVersion {version} is not supported; use 1.1 or 2.0.", nameof(HttpVersion));
        return HttpVersionPolicy switch
        {
            HttpVersionPolicy.RequestVersionExact => (http2, !http2),
            HttpVersionPolicy.RequestVersionOrLower => (http2, true),
            HttpVersionPolicy.RequestVersionOrHigher => (true, !http2),
            _ => throw new ArgumentException($"websocket: unknown HttpVersionPolicy {HttpVersionPolicy}.", nameof(HttpVersionPolicy)),
        };
    }

    // What keeps this dial off HTTP/2, or null: settings the platform's HTTP/2 client cannot honour.
    private string? Http2Obstacle(Uri httpUri)
    {
        if (Proxy?.Invoke(httpUri) is not null) return "a proxy is configured for this target, and WebSocket over HTTP/2 is dialed directly only";
        if (httpUri.Scheme == "https" && NetDialTls is not null) return "NetDialTls hands over a finished TLS stream, and HTTP/2 needs to negotiate h2 in its own TLS handshake";
        return null;
    }

    // One handler per Dialer, made on first use from the settings then ("configure before first use").
    private SocketsHttpHandler Http2Handler()
    {
        lock (_http2HandlerLock)
        {
            if (_http2Handler is not null) return _http2Handler;
            var handler = new SocketsHttpHandler
            {
                UseProxy = false,
                UseCookies = false,           // the Jar is applied by DialAsync, for both versions alike
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = Math.Max(1, (Limits.MaxHeadBytes + 1023) / 1024),
                SslOptions = Http2TlsOptions(),
            };
            if (NetDial is { } dial)
                handler.ConnectCallback = async (context, token) => await dial(context.DnsEndPoint.Host, context.DnsEndPoint.Port, token).ConfigureAwait(false);
            return _http2Handler = handler;
        }
    }

    // TlsOptions as the handler takes them: it sets TargetHost from the request (unless given) and
    // offers h2 by ALPN itself, so an ApplicationProtocols list meant for HTTP/1.1 is left out.
    private SslClientAuthenticationOptions Http2TlsOptions()
    {
        var o = TlsOptions;
        var copy = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = o?.RemoteCertificateValidationCallback,
            LocalCertificateSelectionCallback = o?.LocalCertificateSelectionCallback,
            ClientCertificates = o?.ClientCertificates,
            ClientCertificateContext = o?.ClientCertificateContext,
            EnabledSslProtocols = o?.EnabledSslProtocols ?? SslProtocols.None,
            CertificateRevocationCheckMode = o?.CertificateRevocationCheckMode ?? System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            CertificateChainPolicy = o?.CertificateChainPolicy,
            EncryptionPolicy = o?.EncryptionPolicy ?? EncryptionPolicy.RequireEncryption,
            AllowRenegotiation = o?.AllowRenegotiation ?? true,
            AllowTlsResume = o?.AllowTlsResume ?? true,
        };
        if (!string.IsNullOrEmpty(o?.TargetHost)) copy.TargetHost = o.TargetHost;
        return copy;
    }

    /// <summary>
    /// Sends the extended CONNECT and checks its answer with the rules of the HTTP/1.1 road. Returns
    /// null when the server cannot take it and <paramref name="allowHttp11"/> lets the caller fall
    /// back; a refusal (a status other than 200) never falls back: the server spoke.
    /// </summary>
    private async ValueTask<(Conn Conn, HttpResponseHead Response)?> TryDialHttp2Async(Uri httpUri, string hostHeader, string? offer,
        List<KeyValuePair<string, string>> extra, ConnectionOptions options, bool allowHttp11, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Connect, httpUri)
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Protocol = ServerHandshake.ExtendedConnectProtocol;
        request.Headers.Host = hostHeader;          // sent as :authority
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", ServerHandshake.Version);
        if (Subprotocols is { Count: > 0 }) request.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", string.Join(", ", Subprotocols));
        if (offer is not null) request.Headers.TryAddWithoutValidation("Sec-WebSocket-Extensions", offer);
        foreach (var (name, value) in extra)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                throw new ArgumentException($"websocket: the '{name}' header cannot be sent in an HTTP/2 request.", nameof(extra));

        HttpResponseMessage response;
        try
        {
            response = await new HttpMessageInvoker(Http2Handler(), disposeHandler: false).SendAsync(request, token).ConfigureAwait(false);
        }
        catch (Exception e) when (NoExtendedConnect(e) is { } why)
        {
            if (allowHttp11) return null;
            throw new BadHandshakeException(0, $"the server does not take WebSocket over HTTP/2 (RFC 8441): {why}: {e.Message}");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException tls)
        {
            // A TLS failure may be the server refusing ALPN h2 (Kestrel without HTTP/2 alerts
            // no_application_protocol); the HTTP/1.1 road, when allowed, tells the two apart by trying.
            if (allowHttp11) return null;
            throw new AuthenticationException($"websocket: the TLS handshake for HTTP/2 failed (a server without h2 in ALPN fails it too): {tls.Message}", tls);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException)
        {
            // The same exception the HTTP/1.1 road throws when nothing listens.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        Stream? stream = null;
        try
        {
            var head = ResponseHead(response);
            StoreCookies(httpUri, head);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await RefusalBodyAsync(response, token).ConfigureAwait(false);
                throw new BadHandshakeException(head.StatusCode, $"the server refused the extended CONNECT: {head.StatusCode} {head.ReasonPhrase}", head, body);
            }
            var verdict = ClientHandshake.ValidateExtendedConnectResponse(head, Subprotocols, extensionsOffered: true);
            var compression = AcceptedCompression(head, verdict, offer);
            // The response's content is the stream's DATA in both directions (SocketsHttpHandler makes it duplex for an extended CONNECT).
            stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            // The client waits for the server's END_STREAM after its Close, as long as for the server's Close (5 s when none is set).
            var linger = options.CloseTimeout > TimeSpan.Zero && options.CloseTimeout != Timeout.InfiniteTimeSpan ? options.CloseTimeout : TimeSpan.FromSeconds(5);
            var tunnel = new ExtendedConnectStream(stream, stream.Dispose, response, linger);
            return (new Conn(tunnel, Role.Client, options, verdict.Subprotocol, default, compression), head);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            response.Dispose();
            throw;
        }
    }

    // Why a failed send means "no WebSocket over HTTP/2 here" (as opposed to no server at all), or null.
    private static string? NoExtendedConnect(Exception e) => e switch
    {
        HttpProtocolException { ErrorCode: 0xd } => "it asked for HTTP/1.1 (HTTP_1_1_REQUIRED)",
        HttpRequestException { HttpRequestError: HttpRequestError.ExtendedConnectNotSupported } => "it did not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL",
        HttpRequestException { HttpRequestError: HttpRequestError.VersionNegotiationError } => "it did not agree to HTTP/2",
        HttpRequestException { HttpRequestError: HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded }
            or HttpIOException { HttpRequestError: HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded }
            => "it did not answer in HTTP/2",
        _ => null,
    };

    // The platform's response as the handshake code sees responses (VersionMinor 0: this is HTTP/2.0).
    private static HttpResponseHead ResponseHead(HttpResponseMessage response)
    {
        var headers = new HttpHeaderList();
        foreach (var (name, values) in response.Headers)
            foreach (var value in values) headers.Add(name, value);
        foreach (var (name, values) in response.Content.Headers)
            foreach (var value in values) headers.Add(name, value);
        return new HttpResponseHead(response.Version.Minor, (int)response.StatusCode, response.ReasonPhrase ?? ServerHandshake.ReasonPhrase((int)response.StatusCode), headers);
    }

    private static async ValueTask<byte[]> RefusalBodyAsync(HttpResponseMessage response, CancellationToken token)
    {
        var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var kept = new byte[MaxRefusalBodyBytes];
            int filled = 0, n;
            while (filled < kept.Length && (n = await body.ReadAsync(kept.AsMemory(filled), token).ConfigureAwait(false)) > 0) filled += n;
            return kept.AsSpan(0, filled).ToArray();
        }
    }
}
