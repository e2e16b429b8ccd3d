using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.AspNetCore;

/// <summary>
/// Upgrades an ASP.NET Core request to our <see cref="Conn"/>, the way a Go handler calls
/// gorilla's <c>upgrader.Upgrade(w, r, nil)</c>. The server (Kestrel) has already read the
/// request; this checks it with the same rules as <see cref="Upgrader.UpgradeAsync"/>
/// (the origin check, subprotocol choice, permessage-deflate when enabled) and opens the
/// connection in the way its HTTP version has:
/// <list type="bullet">
/// <item>HTTP/1.1 (RFC 6455 section 4): a GET with Upgrade: websocket, answered 101 Switching
/// Protocols through <see cref="IHttpUpgradeFeature"/>; the WebSocket then owns the TCP connection.</item>
/// <item>HTTP/2 (RFC 8441): an extended CONNECT with <c>:protocol = websocket</c>, allowed once the
/// server has sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (Kestrel does so on every HTTP/2
/// connection), answered 200 through <see cref="IHttpExtendedConnectFeature"/>; the WebSocket is one
/// stream of the connection, so closing it ends the stream and the connection serves on.</item>
/// </list>
/// </summary>
public static class HttpContextUpgrade
{
    /// <summary>
    /// True when the request asks for a WebSocket: an HTTP/1.1 upgrade on a connection that can be
    /// upgraded (<see cref="IHttpUpgradeFeature"/>), or an HTTP/2 extended CONNECT whose
    /// <c>:protocol</c> is "websocket" (<see cref="IHttpExtendedConnectFeature"/>).
    /// </summary>
    public static bool IsWebSocketUpgrade(this HttpContext context)
        => ExtendedConnect(context) is { } connect
            ? string.Equals(connect.Protocol, ServerHandshake.ExtendedConnectProtocol, StringComparison.OrdinalIgnoreCase)
            : context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
              && context.Request.Headers.Upgrade.Any(v => v is not null && v.Contains("websocket", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Accepts the request (101 over HTTP/1.1, 200 over HTTP/2) and returns the server-side
    /// connection; <see cref="Conn.HttpVersion"/> tells which. On a bad request the
    /// refusal (status, plain-text reason) is written to the response and
    /// <see cref="HandshakeException"/> is thrown; <see cref="Upgrader.Error"/> and
    /// <see cref="Upgrader.HandshakeTimeout"/> do not apply here, since the host owns the
    /// response and already read the request. <paramref name="responseHeaders"/> are added to
    /// the answer (handshake-owned fields are skipped). Invalid <see cref="Upgrader.ConnectionOptions"/>
    /// throw <see cref="ArgumentException"/> before the response starts (ASP.NET Core then answers
    /// 500). The connection's <see cref="Conn.LocalEndPoint"/> and <see cref="Conn.RemoteEndPoint"/>
    /// come from <see cref="HttpContext.Connection"/>; Kestrel's socket transport already turns
    /// Nagle's algorithm off (its NoDelay option defaults to true). Over HTTP/2 the request handler
    /// should return once the connection is done with: Kestrel ends the stream when it returns.
    /// </summary>
    public static async ValueTask<Conn> UpgradeAsync(this Upgrader upgrader, HttpContext context,
        IEnumerable<KeyValuePair<string, string>>? responseHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(upgrader);
        ArgumentNullException.ThrowIfNull(context);
        var options = upgrader.ConnectionOptions.Snapshot();
        bool overHttp2 = HttpProtocol.IsHttp2(context.Request.Protocol);
        var connect = overHttp2 ? ExtendedConnect(context) : null;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var request = ToRequestHead(context.Request);
        // One negotiation for both versions; only the version's own checks differ.
        var versionVerdict = overHttp2 ? ServerHandshake.ValidateExtendedConnect(request, connect?.Protocol) : ServerHandshake.Validate(request);
        var result = ServerNegotiation.Negotiate(request, versionVerdict, upgrader.HandshakeSettings, responseHeaders);
        var verdict = result.Verdict;
        if (result.Accepted && (overHttp2 ? connect is null : upgrade is not { IsUpgradableRequest: true }))
            verdict = new HandshakeVerdict(400, "this request cannot be turned into a WebSocket (an HTTP/1.1 request with a body, or an HTTP/2 CONNECT the server did not take as extended)");
        if (!verdict.Accepted)
        {
            Upgrader.LogRefusal(options, verdict);
            await RefuseAsync(context.Response, verdict, responseHeaders).ConfigureAwait(false);
            throw new HandshakeException(verdict.Status, verdict.Reason);
        }

        // The same fields the stream Upgrader writes, applied through the host's response.
        var headers = context.Response.Headers;
        foreach (var (name, value) in result.ResponseHeaders) headers.Append(name, value);
        Stream stream;
        if (overHttp2)
        {
            // AcceptAsync sends the 200 HEADERS frame (without END_STREAM) and gives the stream's DATA as a duplex stream.
            stream = new ExtendedConnectStream(await connect!.AcceptAsync().ConfigureAwait(false), context.Abort);
        }
        else
        {
            stream = await upgrade!.UpgradeAsync().ConfigureAwait(false);
        }
        var connection = context.Connection;
        return Upgrader.Accepted(stream, request, result, options, default,
            EndPoint(connection.LocalIpAddress, connection.LocalPort), EndPoint(connection.RemoteIpAddress, connection.RemotePort));
    }

    private static IHttpExtendedConnectFeature? ExtendedConnect(HttpContext context)
        => context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect ? connect : null;

    private static IPEndPoint? EndPoint(IPAddress? address, int port) => address is null ? null : new IPEndPoint(address, port);

    /// <summary>The request as the Sans-IO handshake sees it: method, target, version, every header field.</summary>
    internal static HttpRequestHead ToRequestHead(HttpRequest request)
    {
        var headers = new HttpHeaderList();
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                if (value is not null) headers.Add(name, value);
        int minor = request.Protocol switch { "HTTP/1.0" => 0, "HTTP/1.1" => 1, _ => 2 };
        string target = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        return new HttpRequestHead(request.Method, target.Length == 0 ? "/" : target, minor, headers);
    }

    private static async ValueTask RefuseAsync(HttpResponse response, HandshakeVerdict verdict, IEnumerable<KeyValuePair<string, string>>? responseHeaders)
    {
        if (response.HasStarted) return;
        response.StatusCode = verdict.Status;
        if (verdict.HeaderName is not null) response.Headers.Append(verdict.HeaderName, HttpHeadWriter.Neutralise(verdict.HeaderValue ?? ""));
        foreach (var (name, value) in responseHeaders ?? [])
            if (name is not ("Connection" or "Content-Length" or "Content-Type")) response.Headers.Append(name, HttpHeadWriter.Neutralise(value));
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(verdict.Reason + "\n").ConfigureAwait(false);
    }
}
