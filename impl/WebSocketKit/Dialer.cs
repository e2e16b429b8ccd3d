using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// Opens client connections (gorilla's <c>Dialer</c>): TCP (or a stream of your own from
/// <see cref="NetDial"/>), optionally through an HTTP CONNECT proxy, TLS for wss://, then the
/// opening handshake (RFC 6455 section 4.1), whose response is checked strictly. One Dialer may
/// dial any number of connections at once; configure it before first use.
/// </summary>
public sealed partial class Dialer
{
    /// <summary>How much of a refusal's body is kept in <see cref="BadHandshakeException.Body"/>.</summary>
    public const int MaxRefusalBodyBytes = 64 * 1024;

    /// <summary>
    /// gorilla's <c>DefaultDialer</c>: proxy from the environment (HTTP_PROXY, HTTPS_PROXY,
    /// NO_PROXY, through <see cref="System.Net.Http.HttpClient.DefaultProxy"/>) and a 45 s handshake timeout.
    /// </summary>
    public static Dialer Default { get; } = new() { Proxy = ProxyFrom(System.Net.Http.HttpClient.DefaultProxy) };

    /// <summary>
    /// Opens the byte stream to host and port (gorilla's <c>NetDialContext</c>, which also covers
    /// <c>NetDial</c>). Null: a TCP connection with Nagle off. With a proxy, it opens the stream to
    /// the proxy.
    /// </summary>
    public Func<string, int, CancellationToken, ValueTask<Stream>>? NetDial { get; set; }

    /// <summary>
    /// Opens an already-authenticated TLS stream for wss:// when no proxy is used (gorilla's
    /// <c>NetDialTLSContext</c>); <see cref="TlsOptions"/> is then not used.
    /// </summary>
    public Func<string, int, CancellationToken, ValueTask<Stream>>? NetDialTls { get; set; }

    /// <summary>
    /// Chooses the HTTP proxy for a target (given as its http:// or https:// form), or null to go
    /// direct (gorilla's <c>Proxy</c>). Credentials in the proxy URI's user-info go out as Basic
    /// Proxy-Authorization. See <see cref="ProxyUrl"/> and <see cref="ProxyFrom"/>.
    /// </summary>
    public Func<Uri, Uri?>? Proxy { get; set; }

    /// <summary>
    /// TLS settings for wss:// (gorilla's <c>TLSClientConfig</c>): protocols, client certificates,
    /// and <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/> to
    /// accept a certificate the system does not trust. TargetHost defaults to the URI's host;
    /// ApplicationProtocols to http/1.1 (the upgrade is an HTTP/1.1 request).
    /// </summary>
    public SslClientAuthenticationOptions? TlsOptions { get; set; }

    /// <summary>
    /// Time for the whole dial: connect, proxy, TLS and handshake (default 45 s, gorilla's
    /// DefaultDialer value). <see cref="TimeSpan.Zero"/> (gorilla's zero value) and
    /// <see cref="Timeout.InfiniteTimeSpan"/> mean none; another negative value makes
    /// <see cref="DialAsync"/> throw <see cref="ArgumentOutOfRangeException"/> before connecting.
    /// Exceeding it throws <see cref="TimeoutException"/>.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Options for the connections this Dialer creates: ReadBufferSize, WriteBufferSize,
    /// WriteBufferPool, read limit, timeouts, logger. Each dial takes its own validated copy before
    /// connecting (an invalid value throws <see cref="ArgumentException"/> then), so a later change
    /// affects only later connections.
    /// </summary>
    public ConnectionOptions ConnectionOptions { get; set; } = new();

    /// <summary>The subprotocols to offer, most preferred first (Sec-WebSocket-Protocol).</summary>
    public IReadOnlyList<string> Subprotocols { get; set; } = [];

    /// <summary>Whether to offer permessage-deflate (RFC 7692), with <see cref="CompressionOptions"/>.</summary>
    public bool EnableCompression { get; set; }

    /// <summary>What the permessage-deflate offer asks for and how messages are compressed.</summary>
    public PerMessageDeflateOptions CompressionOptions { get; set; } = new();

    /// <summary>
    /// Cookies (gorilla's <c>Jar</c>): those matching the target go out in the request, and
    /// Set-Cookie fields of the response (101 or refusal) are stored. Null: no cookies.
    /// </summary>
    public CookieContainer? Jar { get; set; }

    /// <summary>Bounds on the response head (and the proxy's).</summary>
    public HttpParseLimits Limits { get; set; } = HttpParseLimits.Default;

    /// <summary>A <see cref="Proxy"/> that sends every target through <paramref name="proxy"/> (gorilla's use of http.ProxyURL).</summary>
    public static Func<Uri, Uri?> ProxyUrl(Uri proxy) => _ => proxy;

    /// <summary>A <see cref="Proxy"/> that asks <paramref name="proxy"/> (e.g. HttpClient.DefaultProxy), honouring its bypass list.</summary>
    public static Func<Uri, Uri?> ProxyFrom(IWebProxy proxy) => target => proxy.IsBypassed(target) ? null : proxy.GetProxy(target);

    // Fields the handshake owns: an application value would contradict the negotiation.
    private static readonly string[] OwnedHeaders =
        ["Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"];

    /// <summary>
    /// Dials <paramref name="uri"/> (ws:// or wss://) and completes the opening handshake.
    /// <paramref name="headers"/> are added to the request (Origin, Authorization, ...; a Host
    /// field replaces the URI's; fields the handshake owns are refused with
    /// <see cref="ArgumentException"/>: use <see cref="Subprotocols"/> and
    /// <see cref="EnableCompression"/>). Returns the connection and the server's 101 response (over
    /// HTTP/2, see <see cref="HttpVersion"/>, its 200 response, with VersionMinor 0 for HTTP/2.0).
    /// Throws <see cref="BadHandshakeException"/> when the server or proxy refuses or answers
    /// wrongly, <see cref="TimeoutException"/> past <see cref="HandshakeTimeout"/>,
    /// <see cref="System.Security.Authentication.AuthenticationException"/> when TLS fails,
    /// <see cref="SocketException"/> when nothing listens, and <see cref="ArgumentException"/>,
    /// before connecting, when <see cref="ConnectionOptions"/> or <see cref="HandshakeTimeout"/>
    /// holds an invalid value.
    /// </summary>
    public async ValueTask<(Conn Conn, HttpResponseHead Response)> DialAsync(Uri uri,
        IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var options = ConnectionOptions.Snapshot();
        var handshakeTimeout = ConnectionOptions.NormaliseTimeout(HandshakeTimeout, nameof(HandshakeTimeout));
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException("websocket: the URI must be absolute with scheme ws or wss.", nameof(uri));
        if (!string.IsNullOrEmpty(uri.Fragment))
            throw new ArgumentException("websocket: a WebSocket URI has no fragment (RFC 6455 section 3).", nameof(uri));
        bool secure = uri.Scheme == "wss";
        int defaultPort = secure ? 443 : 80;
        int port = uri.Port > 0 ? uri.Port : defaultPort;
        string host = uri.IdnHost;
        string hostHeader = port == defaultPort ? uri.Host : $"{uri.Host}:{port}";
        var extra = new List<KeyValuePair<string, string>>();
        string? cookie = null;
        foreach (var (name, value) in headers ?? [])
        {
            if (OwnedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"websocket: the '{name}' request header is set by the handshake itself.", nameof(headers));
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) hostHeader = value;
            else if (string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase)) cookie = cookie is null ? value : cookie + "; " + value;
            else extra.Add(new(name, value));
        }
        var httpUri = new UriBuilder(uri) { Scheme = secure ? "https" : "http", Port = port, UserName = "", Password = "", Fragment = "" }.Uri;
        if (Jar?.GetCookieHeader(httpUri) is { Length: > 0 } jarCookies) cookie = cookie is null ? jarCookies : cookie + "; " + jarCookies;
        if (cookie is not null) extra.Add(new("Cookie", cookie));
        if (HttpConnectProxy.BasicCredentials(uri) is { } credentials && !extra.Any(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)))
            extra.Add(new("Authorization", credentials));
        string? offer = EnableCompression ? PerMessageDeflateNegotiation.CreateOffer(CompressionOptions) : null;
        string key = WebSocketKey.NewKey();
        var request = ClientHandshake.BuildRequest(hostHeader, uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped),
            key, Subprotocols, offer, extra);

        var (tryHttp2, allowHttp11) = VersionChoice();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(handshakeTimeout);
        var token = timeout.Token;
        Stream? stream = null;
        try
        {
            if (tryHttp2)
            {
                if (Http2Obstacle(httpUri) is { } obstacle)
                {
                    if (!allowHttp11) throw new NotSupportedException($"websocket: HTTP/2 was required (HttpVersionPolicy {HttpVersionPolicy}), but {obstacle}.");
                }
                else
                {
                    var h2 = await TryDialHttp2Async(httpUri, hostHeader, offer, extra, options, allowHttp11, token).ConfigureAwait(false);
                    if (h2 is { } opened) return opened;
                }
            }
            stream = await OpenAsync(httpUri, host, port, secure, token).ConfigureAwait(false);
            await stream.WriteAsync(request, token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
            using var reader = new HttpHeadReader(Limits);
            var head = await reader.ReadHeadAsync(stream, fromProxy: false, token).ConfigureAwait(false);
            StoreCookies(httpUri, head);
            if (head.StatusCode != 101)
            {
                var body = await reader.ReadBodyAsync(stream, head, MaxRefusalBodyBytes, token).ConfigureAwait(false);
                throw new BadHandshakeException(head.StatusCode, $"the server refused the upgrade: {head.StatusCode} {head.ReasonPhrase}", head, body);
            }
            var verdict = ClientHandshake.ValidateResponse(head, key, Subprotocols, extensionsOffered: true);
            var compression = AcceptedCompression(head, verdict, offer);
            var conn = new Conn(stream, Role.Client, options, verdict.Subprotocol, reader.After, compression);
            return (conn, head);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"websocket: dialing {uri} took longer than the handshake timeout ({handshakeTimeout.TotalSeconds:0.###} s)", e);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // The checks both HTTP versions make on an acceptance, after the version's own: the verdict,
    // then the permessage-deflate answer against our offer. Returns what was agreed, or throws.
    private PerMessageDeflateParameters? AcceptedCompression(HttpResponseHead head, ResponseVerdict verdict, string? offer)
    {
        if (!verdict.Accepted) throw new BadHandshakeException(head.StatusCode, verdict.Error!, head);
        if (verdict.Extensions is null) return null;
        PerMessageDeflateParameters? compression = null;
        var error = offer is null
            ? ExtensionNegotiationError.UnexpectedExtension
            : PerMessageDeflateNegotiation.TryAcceptResponse(AllValues(head.Headers, "Sec-WebSocket-Extensions"), CompressionOptions, out compression);
        if (error != ExtensionNegotiationError.None)
            throw new BadHandshakeException(head.StatusCode, $"the server's Sec-WebSocket-Extensions '{verdict.Extensions}' does not fit our offer: {error}", head, extensionError: error);
        return compression;
    }

    // TCP (or NetDial), then the proxy tunnel, then TLS.
    private async ValueTask<Stream> OpenAsync(Uri httpUri, string host, int port, bool secure, CancellationToken token)
    {
        var proxy = Proxy?.Invoke(httpUri);
        if (proxy is null && secure && NetDialTls is { } dialTls) return await dialTls(host, port, token).ConfigureAwait(false);
        Stream stream;
        if (proxy is null)
        {
            stream = await ConnectAsync(host, port, token).ConfigureAwait(false);
        }
        else
        {
            if (proxy.Scheme != "http")
                throw new NotSupportedException($"websocket: proxy scheme '{proxy.Scheme}' is not supported; only http:// (CONNECT) proxies are.");
            stream = await ConnectAsync(proxy.IdnHost, proxy.Port > 0 ? proxy.Port : 80, token).ConfigureAwait(false);
            try
            {
                string authority = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
                await HttpConnectProxy.ConnectAsync(stream, proxy, authority, Limits, token).ConfigureAwait(false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        if (!secure) return stream;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(ClientTlsOptions(host), token).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken token)
    {
        if (NetDial is { } dial) return await dial(host, port, token).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // A copy per dial, so that the TargetHost default never leaks into the shared options.
    private SslClientAuthenticationOptions ClientTlsOptions(string host)
    {
        var o = TlsOptions;
        return new SslClientAuthenticationOptions
        {
            TargetHost = string.IsNullOrEmpty(o?.TargetHost) ? host : o.TargetHost,
            ApplicationProtocols = o?.ApplicationProtocols ?? [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = o?.RemoteCertificateValidationCallback,
            LocalCertificateSelectionCallback = o?.LocalCertificateSelectionCallback,
            ClientCertificates = o?.ClientCertificates,
            ClientCertificateContext = o?.ClientCertificateContext,
            EnabledSslProtocols = o?.EnabledSslProtocols ?? System.Security.Authentication.SslProtocols.None,
            CertificateRevocationCheckMode = o?.CertificateRevocationCheckMode ?? System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            CertificateChainPolicy = o?.CertificateChainPolicy,
            EncryptionPolicy = o?.EncryptionPolicy ?? EncryptionPolicy.RequireEncryption,
            AllowRenegotiation = o?.AllowRenegotiation ?? true,
            AllowTlsResume = o?.AllowTlsResume ?? true,
        };
    }

    private void StoreCookies(Uri httpUri, HttpResponseHead head)
    {
        if (Jar is null) return;
        foreach (var value in AllValues(head.Headers, "Set-Cookie"))
        {
            try { Jar.SetCookies(httpUri, value); }
            catch (CookieException) { } // a malformed cookie is dropped, as browsers do
        }
    }

    private static IEnumerable<string> AllValues(HttpHeaderList headers, string name)
    {
        foreach (var (n, v) in headers)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) yield return v;
    }
}
