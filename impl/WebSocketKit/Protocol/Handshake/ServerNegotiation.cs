using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>What a server brings to the opening handshake: the inputs of <see cref="ServerNegotiation"/>.</summary>
/// <param name="Subprotocols">The server's subprotocols, most preferred first.</param>
/// <param name="CheckOrigin">The origin policy; null applies <see cref="ServerHandshake.SameOrigin"/>.</param>
/// <param name="Compression">How to answer a permessage-deflate offer; null: compression is off.</param>
public sealed record ServerHandshakeSettings(
    IReadOnlyList<string> Subprotocols,
    Func<HttpRequestHead, bool>? CheckOrigin = null,
    PerMessageDeflateOptions? Compression = null);

/// <summary>
/// The outcome of the server's side of an opening handshake: a refusal (<see cref="Verdict"/>'s
/// status, reason and extra field) or an acceptance with what was agreed and the response fields.
/// </summary>
/// <param name="Verdict">The status: 101 (or 200 for an HTTP/2 extended CONNECT) when accepted, else the refusal.</param>
/// <param name="Subprotocol">The subprotocol chosen, or null.</param>
/// <param name="Compression">The permessage-deflate parameters agreed, or null (compression off).</param>
/// <param name="Extensions">The Sec-WebSocket-Extensions value of the answer, or null.</param>
/// <param name="ResponseHeaders">The answer's header fields in order, values neutralised; empty for a refusal.</param>
public sealed record ServerNegotiationResult(
    HandshakeVerdict Verdict,
    string? Subprotocol,
    PerMessageDeflateParameters? Compression,
    string? Extensions,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders)
{
    /// <summary>True when the connection may be opened.</summary>
    public bool Accepted => Verdict.Accepted;

    internal static ServerNegotiationResult Refused(HandshakeVerdict verdict) => new(verdict, null, null, null, []);
}

/// <summary>
/// The whole server-side negotiation, without I/O, in one place for every host (the stream
/// <c>Upgrader</c> and the ASP.NET Core glue): request checks, origin policy, subprotocol choice,
/// permessage-deflate, and the answer's fields. The checks that depend on the HTTP version are a
/// separate step (<see cref="ServerHandshake.Validate"/> for HTTP/1.1), so that an HTTP/2 extended
/// CONNECT entry (RFC 8441: <c>:protocol = websocket</c>, no Sec-WebSocket-Key, 200 instead of 101)
/// can run its own checks and then share <see cref="Negotiate(HttpRequestHead, HandshakeVerdict, ServerHandshakeSettings, IEnumerable{KeyValuePair{string, string}}?)"/>.
/// </summary>
public static class ServerNegotiation
{
    /// <summary>
    /// Negotiates an HTTP/1.1 Upgrade request (RFC 6455 section 4.2): validates it, then applies
    /// <paramref name="settings"/>. <paramref name="extraHeaders"/> are the application's fields for
    /// the 101 (fields the handshake owns are skipped).
    /// </summary>
    public static ServerNegotiationResult Negotiate(HttpRequestHead request, ServerHandshakeSettings settings,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
        => Negotiate(request, ServerHandshake.Validate(request), settings, extraHeaders);

    /// <summary>
    /// The steps every HTTP version shares, after its own checks gave <paramref name="versionVerdict"/>:
    /// a refusal passes through; an acceptance goes on to the origin check (403), the subprotocol,
    /// permessage-deflate and the answer's fields. A verdict with a key (HTTP/1.1) gets Upgrade,
    /// Connection and Sec-WebSocket-Accept; one without (HTTP/2 extended CONNECT) gets none of them.
    /// </summary>
    public static ServerNegotiationResult Negotiate(HttpRequestHead request, HandshakeVerdict versionVerdict,
        ServerHandshakeSettings settings, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (!versionVerdict.Accepted) return ServerNegotiationResult.Refused(versionVerdict);
        if (!(settings.CheckOrigin ?? ServerHandshake.SameOrigin)(request))
            return ServerNegotiationResult.Refused(new HandshakeVerdict(403, "origin not allowed"));
        string? subprotocol = ServerHandshake.SelectSubprotocol(request, settings.Subprotocols);
        PerMessageDeflateParameters? compression = null;
        string? extensions = null;
        if (settings.Compression is { } options)
            PerMessageDeflateNegotiation.TryAcceptOffer(request.Headers.Values("Sec-WebSocket-Extensions"), options, out compression, out extensions);
        var fields = ServerHandshake.AcceptHeaders(versionVerdict.Key, subprotocol, extensions, extraHeaders);
        return new ServerNegotiationResult(versionVerdict, subprotocol, compression, extensions, fields);
    }
}
