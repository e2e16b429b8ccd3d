using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebSocketKit.AspNetCore;

namespace WebSocketKit.EchoServer;

/// <summary>How <see cref="KestrelEchoHost"/> listens.</summary>
public enum KestrelEchoProtocols
{
    /// <summary>
    /// HTTP/1.1 and HTTP/2 on one port. With TLS the client picks by ALPN (h2 or http/1.1); in
    /// cleartext Kestrel cannot tell the two apart (it has no ALPN there and does not look for the
    /// HTTP/2 preface), so the port speaks HTTP/1.1 only: use <see cref="Http2Cleartext"/> for h2c.
    /// </summary>
    Http1AndHttp2,

    /// <summary>HTTP/2 only: h2c with prior knowledge in cleartext (RFC 9113 section 3.3), h2 with TLS.</summary>
    Http2Cleartext,
}

/// <summary>
/// The echo server on ASP.NET Core: Kestrel on 127.0.0.1, every request upgraded through
/// <see cref="HttpContextUpgrade.UpgradeAsync"/> with the same <see cref="Upgrader"/> settings as
/// the stream <see cref="EchoServer"/>, and echoed by <see cref="EchoLoop"/>. It serves WebSockets
/// over HTTP/1.1 (RFC 6455) and over HTTP/2 (RFC 8441 extended CONNECT; Kestrel advertises
/// SETTINGS_ENABLE_CONNECT_PROTOCOL), and counts the WebSockets it served per HTTP version, so a
/// test can tell which one a client used.
/// </summary>
public sealed class KestrelEchoHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConnectionRegistry _registry = new();
    private readonly ILogger _logger;
    private long _http1, _http2;

    /// <summary>
    /// Creates the host on 127.0.0.1:<paramref name="port"/> (0 picks a free port); call
    /// <see cref="StartAsync"/>. With <paramref name="certificate"/> it speaks https and wss (TLS with
    /// ALPN). <paramref name="fallback"/>, when given, answers requests that ask for no WebSocket
    /// (a test page, say); without it they get the handshake's refusal (426, 405 ...).
    /// </summary>
    public KestrelEchoHost(int port, Upgrader upgrader, KestrelEchoProtocols protocols = KestrelEchoProtocols.Http1AndHttp2,
        X509Certificate2? certificate = null, ILoggerFactory? loggerFactory = null, RequestDelegate? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(upgrader);
        if (certificate is { HasPrivateKey: false })
            throw new ArgumentException("the TLS certificate has no private key", nameof(certificate));
        _logger = loggerFactory?.CreateLogger("echo") ?? NullLogger.Instance;
        Scheme = certificate is null ? "ws" : "wss";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (loggerFactory is not null) builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The handshake's own timeout bounds how long a client may take over its request head.
            if (upgrader.HandshakeTimeout > TimeSpan.Zero) kestrel.Limits.RequestHeadersTimeout = upgrader.HandshakeTimeout;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                // In cleartext Kestrel cannot offer both on one port (it would warn and serve HTTP/1.1).
                listen.Protocols = protocols == KestrelEchoProtocols.Http2Cleartext ? HttpProtocols.Http2
                    : certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                if (certificate is not null) listen.UseHttps(certificate);
            });
        });
        _app = builder.Build();
        var stopping = _app.Lifetime.ApplicationStopping;
        _app.Run(async context =>
        {
            if (fallback is not null && !context.IsWebSocketUpgrade())
            {
                await fallback(context).ConfigureAwait(false);
                return;
            }
            Conn conn;
            try
            {
                conn = await upgrader.UpgradeAsync(context).ConfigureAwait(false);
            }
            catch (HandshakeException e)
            {
                _logger.LogDebug("handshake over {Protocol} refused: {Status} {Reason}", context.Request.Protocol, e.Status, e.Reason);
                return;
            }
            Interlocked.Increment(ref conn.HttpVersion.Major >= 2 ? ref _http2 : ref _http1);
            _logger.LogInformation("websocket over {Protocol} from {Peer}", context.Request.Protocol, conn.RemoteEndPoint);
            await using (conn) await EchoLoop.RunAsync(conn, _registry, _logger, stopping).ConfigureAwait(false);
        });
    }

    /// <summary>"wss" with a certificate, else "ws".</summary>
    public string Scheme { get; }

    /// <summary>The port listened on (after <see cref="StartAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>WebSockets opened with an HTTP/1.1 Upgrade so far.</summary>
    public long Http1WebSockets => Interlocked.Read(ref _http1);

    /// <summary>WebSockets opened with an HTTP/2 extended CONNECT so far.</summary>
    public long Http2WebSockets => Interlocked.Read(ref _http2);

    /// <summary>The connections being echoed.</summary>
    public ConnectionRegistry Registry => _registry;

    /// <summary>Starts Kestrel and learns the port it listens on.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
        _logger.LogInformation("echo server (Kestrel) listening on {Scheme}://127.0.0.1:{Port}/", Scheme, Port);
    }

    /// <summary>
    /// Graceful shutdown, as <see cref="EchoServer.ShutdownAsync"/>: Close 1001 to every open
    /// connection, up to <paramref name="deadline"/> for their answers, then Kestrel stops.
    /// </summary>
    public async Task<ShutdownResult> ShutdownAsync(TimeSpan deadline)
    {
        var done = await _registry.ShutdownAsync(deadline).ConfigureAwait(false);
        using var stop = new CancellationTokenSource(deadline + TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        _logger.LogInformation("shutdown: {Count} connections, {Clean} closed cleanly, {Dropped} dropped", done.Connections, done.ClosedCleanly, done.Dropped);
        return done;
    }

    /// <summary>Stops Kestrel (open requests are aborted) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
