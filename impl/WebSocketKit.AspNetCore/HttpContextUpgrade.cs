using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.AspNetCore;

/// <summary>
/// Upgrades an ASP.NET Core request to our <see cref="Conn"/>, the way a Go handler calls
/// gorilla's <c>upgrader.Upgrade(w, r, nil)</c>. The server (Kestrel) has already read the
/// request; this checks it with the same rules as <see cref="Upgrader.UpgradeAsync"/>
/// (RFC 6455 section 4.2.1, the origin check, subprotocol choice, permessage-deflate when
/// enabled) and switches protocols through <see cref="IHttpUpgradeFeature"/>.
/// </summary>
public static class HttpContextUpgrade
{
    /// <summary>
    /// True when the request asks for a WebSocket upgrade on a connection that can be upgraded
    /// (HTTP/1.1 with <see cref="IHttpUpgradeFeature"/>).
    /// </summary>
    public static bool IsWebSocketUpgrade(this HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
           && context.Request.Headers.Upgrade.Any(v => v is not null && v.Contains("websocket", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Answers the request with 101 and returns the server-side connection. On a bad request the
    /// refusal (status, plain-text reason) is written to the response and
    /// <see cref="HandshakeException"/> is thrown; <see cref="Upgrader.Error"/> and
    /// <see cref="Upgrader.HandshakeTimeout"/> do not apply here, since the host owns the
    /// response and already read the request. <paramref name="responseHeaders"/> are added to
    /// the 101 (handshake-owned fields are skipped). Invalid <see cref="Upgrader.ConnectionOptions"/>
    /// throw <see cref="ArgumentException"/> before the response starts (ASP.NET Core then answers
    /// 500). The connection's <see cref="Conn.LocalEndPoint"/> and <see cref="Conn.RemoteEndPoint"/>
    /// come from <see cref="HttpContext.Connection"/>; Kestrel's socket transport already turns
    /// Nagle's algorithm off (its NoDelay option defaults to true).
    /// </summary>
    public static async ValueTask<Conn> UpgradeAsync(this Upgrader upgrader, HttpContext context,
        IEnumerable<KeyValuePair<string, string>>? responseHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(upgrader);
        ArgumentNullException.ThrowIfNull(context);
        var options = upgrader.ConnectionOptions.Snapshot();
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var request = ToRequestHead(context.Request);
        var result = upgrader.Negotiate(request, responseHeaders);
        var verdict = result.Verdict;
        if (result.Accepted && upgrade is not { IsUpgradableRequest: true })
            verdict = new HandshakeVerdict(400, "this connection cannot be upgraded (HTTP/2, or a request with a body)");
        if (!verdict.Accepted)
        {
            Upgrader.LogRefusal(options, verdict);
            await RefuseAsync(context.Response, verdict, responseHeaders).ConfigureAwait(false);
            throw new HandshakeException(verdict.Status, verdict.Reason);
        }

        // The same 101 head the stream Upgrader writes, applied through the host's response.
        var headers = context.Response.Headers;
        foreach (var (name, value) in result.ResponseHeaders) headers.Append(name, value);
        var stream = await upgrade!.UpgradeAsync().ConfigureAwait(false);
        var connection = context.Connection;
        return Upgrader.Accepted(stream, request, result, options, default,
            EndPoint(connection.LocalIpAddress, connection.LocalPort), EndPoint(connection.RemoteIpAddress, connection.RemotePort));
    }

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
