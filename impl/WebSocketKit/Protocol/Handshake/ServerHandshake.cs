namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// The verdict on an opening handshake request: 101 with the client's key, or the HTTP status to
/// refuse with, a plain reason, and at most one header field the refusal must carry.
/// </summary>
/// <param name="Status">101 when the request is a valid upgrade (200 for an HTTP/2 extended CONNECT), else 400, 403, 405 or 426.</param>
/// <param name="Reason">Why, in plain words, for the response body and logs.</param>
/// <param name="Key">The validated Sec-WebSocket-Key (only when <paramref name="Status"/> is 101; HTTP/2 has none).</param>
/// <param name="HeaderName">A field the refusal must carry (e.g. Sec-WebSocket-Version with 426), or null.</param>
/// <param name="HeaderValue">That field's value.</param>
public readonly record struct HandshakeVerdict(int Status, string Reason, string? Key = null, string? HeaderName = null, string? HeaderValue = null)
{
    /// <summary>True when the request may be upgraded.</summary>
    public bool Accepted => Status is 101 or 200;
}

/// <summary>
/// The server side of the opening handshake (RFC 6455 section 4.2), without I/O: checks a parsed
/// request, chooses a subprotocol, applies the default origin policy, and builds the 101 or the
/// refusal. Each refusal names the rule the request broke.
/// </summary>
public static class ServerHandshake
{
    /// <summary>The only protocol version RFC 6455 defines.</summary>
    public const string Version = "13";

    /// <summary>
    /// Checks an HTTP/1.1 request against section 4.2.1: GET, HTTP/1.1 or later, one Host that is
    /// a valid authority (<see cref="HostAuthority"/>), no body (no Transfer-Encoding, no
    /// Content-Length other than 0: bytes after the head are WebSocket frames, so a body would be
    /// read as frames), Upgrade holding "websocket", Connection holding "upgrade" (both token lists,
    /// any case), Sec-WebSocket-Version 13 and a Sec-WebSocket-Key that is Base64 for 16 bytes. The
    /// origin is not checked here (see <see cref="ServerNegotiation"/>).
    /// </summary>
    public static HandshakeVerdict Validate(HttpRequestHead request)
    {
        if (request.Method != "GET")
            return new(405, "the WebSocket handshake must use GET", HeaderName: "Allow", HeaderValue: "GET");
        if (request.VersionMinor < 1)
            return new(400, "the WebSocket handshake needs HTTP/1.1 or later");
        var h = request.Headers;
        if (h.CountOf("Host") != 1 || string.IsNullOrWhiteSpace(h.Get("Host")))
            return new(400, "exactly one Host header is required");
        if (!HostAuthority.IsValid(h.Get("Host")!.AsSpan().Trim()))
            return new(400, "the Host header is not a valid host[:port]");
        if (h.Contains("Transfer-Encoding") || h.Values("Content-Length").Any(v => v.Trim() != "0"))
            return new(400, "a WebSocket handshake request has no body (Transfer-Encoding or Content-Length)");
        // 426 tells a plain HTTP client which protocol this resource speaks (RFC 7231 section 6.5.15).
        if (!h.ContainsToken("Upgrade", "websocket"))
            return new(426, "the 'Upgrade: websocket' header is missing", HeaderName: "Upgrade", HeaderValue: "websocket");
        if (!h.ContainsToken("Connection", "upgrade"))
            return new(400, "the 'Connection' header does not contain 'upgrade'");
        if (h.CountOf("Sec-WebSocket-Version") != 1 || h.Get("Sec-WebSocket-Version")!.Trim() != Version)
            return new(426, "unsupported Sec-WebSocket-Version (only 13 is supported)", HeaderName: "Sec-WebSocket-Version", HeaderValue: Version);
        var key = h.CountOf("Sec-WebSocket-Key") == 1 ? h.Get("Sec-WebSocket-Key")!.Trim() : null;
        if (!WebSocketKey.IsValid(key))
            return new(400, "Sec-WebSocket-Key must be one Base64 value of 16 bytes");
        return new(101, "Switching Protocols", key);
    }

    /// <summary>The <c>:protocol</c> value of an extended CONNECT that opens a WebSocket (RFC 8441 section 4).</summary>
    public const string ExtendedConnectProtocol = "websocket";

    /// <summary>
    /// Checks an HTTP/2 extended CONNECT (RFC 8441 sections 4 and 5), the HTTP/2 counterpart of
    /// <see cref="Validate"/>. <paramref name="request"/> is the stream's request as a head: method
    /// (<c>:method</c>), target (<c>:path</c>), and header fields with Host standing for
    /// <c>:authority</c>; <paramref name="protocol"/> is the <c>:protocol</c> pseudo-header. The
    /// request must be CONNECT, <c>:protocol</c> must be "websocket" (any case, as upgrade tokens
    /// are), <c>:authority</c> a valid host[:port], <c>:path</c> present, and Sec-WebSocket-Version
    /// exactly 13. A wrong version is refused with 400 and <c>Sec-WebSocket-Version: 13</c> (RFC
    /// 6455 section 4.4 asks for the supported version; 426 would name an Upgrade, which HTTP/2 does
    /// not have). There is no Sec-WebSocket-Key to check: the stream itself proves that the server
    /// understood the request, so the accepted verdict carries no key and its status is 200. Fields
    /// HTTP/2 forbids (Connection, Upgrade) never reach here: the HTTP/2 layer treats them as
    /// malformed (RFC 9113 section 8.2.2).
    /// </summary>
    public static HandshakeVerdict ValidateExtendedConnect(HttpRequestHead request, string? protocol)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "CONNECT")
            return new(405, "a WebSocket over HTTP/2 is opened with an extended CONNECT", HeaderName: "Allow", HeaderValue: "CONNECT");
        if (!string.Equals(protocol, ExtendedConnectProtocol, StringComparison.OrdinalIgnoreCase))
            return new(400, "the :protocol pseudo-header must be 'websocket'");
        var h = request.Headers;
        if (h.CountOf("Host") != 1 || !HostAuthority.IsValid(h.Get("Host")!.AsSpan().Trim()))
            return new(400, "the :authority pseudo-header must be one valid host[:port]");
        if (string.IsNullOrEmpty(request.Target))
            return new(400, "the :path pseudo-header is required");
        if (h.CountOf("Sec-WebSocket-Version") != 1 || h.Get("Sec-WebSocket-Version")!.Trim() != Version)
            return new(400, "unsupported Sec-WebSocket-Version (only 13 is supported)", HeaderName: "Sec-WebSocket-Version", HeaderValue: Version);
        return new(200, "OK");
    }

    /// <summary>
    /// The default origin policy (the one gorilla/websocket uses): accept when there is no Origin
    /// header (non-browser clients do not send one), otherwise only when the Origin's host and
    /// port equal the Host header, ignoring case. Browsers always send Origin, so this stops
    /// another site's script from opening a socket with the user's cookies (cross-site WebSocket
    /// hijacking). An unparsable Origin, "null", or several Origin headers are refused.
    /// </summary>
    public static bool SameOrigin(HttpRequestHead request)
    {
        var h = request.Headers;
        int count = h.CountOf("Origin");
        if (count == 0) return true;
        if (count > 1) return false;
        if (!Uri.TryCreate(h.Get("Origin"), UriKind.Absolute, out var origin) || string.IsNullOrEmpty(origin.Host)) return false;
        // Uri.Authority leaves out the scheme's default port, as browsers do in Host. Without a Host
        // there is nothing the Origin can match.
        return h.Get("Host") is { } host && string.Equals(origin.Authority, host.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The subprotocol to answer with: the first of <paramref name="serverPreference"/> that the
    /// client offered in Sec-WebSocket-Protocol, or null (the server then sends no such header and
    /// the client decides whether to go on without one).
    /// </summary>
    public static string? SelectSubprotocol(HttpRequestHead request, IReadOnlyList<string>? serverPreference)
    {
        if (serverPreference is null || serverPreference.Count == 0) return null;
        foreach (var candidate in serverPreference)
            foreach (var offered in request.Headers.Tokens("Sec-WebSocket-Protocol"))
                if (string.Equals(candidate, offered, StringComparison.Ordinal)) return candidate;
        return null;
    }

    /// <summary>
    /// The 101 response. Application fields in <paramref name="extraHeaders"/> are added after the
    /// handshake's own, except fields the handshake owns (Upgrade, Connection, Sec-WebSocket-*),
    /// which are skipped so that an application cannot contradict the negotiation.
    /// </summary>
    public static byte[] BuildAccept(string key, string? subprotocol, string? extensions,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
        => BuildSwitchingProtocols(AcceptHeaders(key, subprotocol, extensions, extraHeaders));

    /// <summary>A 101 response head with <paramref name="fields"/> (as <see cref="ServerNegotiationResult.ResponseHeaders"/> holds them).</summary>
    public static byte[] BuildSwitchingProtocols(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var w = HttpHeadWriter.Response(101, "Switching Protocols");
        foreach (var (name, value) in fields) w.Header(name, value);
        return w.ToBytes();
    }

    /// <summary>
    /// The header fields of the 101 response, in order, values neutralised (see
    /// <see cref="BuildAccept"/>); for hosts such as ASP.NET Core that write the head themselves.
    /// Without a <paramref name="key"/> (HTTP/2 extended CONNECT, RFC 8441) there is no Upgrade,
    /// Connection or Sec-WebSocket-Accept field.
    /// </summary>
    public static List<KeyValuePair<string, string>> AcceptHeaders(string? key, string? subprotocol, string? extensions,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (key is not null)
        {
            fields.Add(new("Upgrade", "websocket"));
            fields.Add(new("Connection", "Upgrade"));
            fields.Add(new("Sec-WebSocket-Accept", WebSocketKey.ComputeAccept(key)));
        }
        if (subprotocol is not null) fields.Add(new("Sec-WebSocket-Protocol", HttpHeadWriter.Neutralise(subprotocol)));
        if (extensions is not null) fields.Add(new("Sec-WebSocket-Extensions", HttpHeadWriter.Neutralise(extensions)));
        foreach (var (name, value) in extraHeaders ?? [])
            if (!AcceptOwned.Contains(name, StringComparer.OrdinalIgnoreCase)) fields.Add(new(name, HttpHeadWriter.Neutralise(value)));
        return fields;
    }

    private static readonly string[] AcceptOwned =
        ["Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"];

    /// <summary>
    /// A refusal: the status, the verdict's extra field, the application's fields, Connection:
    /// close, and the reason as a short plain-text body.
    /// </summary>
    public static byte[] BuildRefusal(HandshakeVerdict verdict, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var w = HttpHeadWriter.Response(verdict.Status, ReasonPhrase(verdict.Status));
        if (verdict.HeaderName is not null) w.Header(verdict.HeaderName, verdict.HeaderValue ?? "");
        w.Headers(extraHeaders, "Connection", "Content-Length", "Content-Type");
        w.Header("Connection", "close");
        return w.ToBytes(verdict.Reason + "\n");
    }

    /// <summary>The standard reason phrase for the statuses a handshake can end with.</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        101 => "Switching Protocols",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
