namespace WebSocketKit.Protocol.Handshake;

/// <summary>The client's verdict on a server's handshake response.</summary>
/// <param name="Error">Null when the response completes the handshake, else what is wrong with it.</param>
/// <param name="Subprotocol">The subprotocol the server chose, or null.</param>
/// <param name="Extensions">The server's Sec-WebSocket-Extensions answer, or null, for the extension negotiator.</param>
public readonly record struct ResponseVerdict(string? Error, string? Subprotocol = null, string? Extensions = null)
{
    /// <summary>True when the server accepted the upgrade.</summary>
    public bool Accepted => Error is null;
}

/// <summary>
/// The client side of the opening handshake (RFC 6455 sections 4.1 and 4.2.2; RFC 8441 over
/// HTTP/2), without I/O: builds the request and checks the response strictly. The Dialer does the I/O.
/// </summary>
public static class ClientHandshake
{
    /// <summary>
    /// The upgrade request for <paramref name="target"/> (path and query) on <paramref name="host"/>
    /// (the Host header: host, plus ":port" when not the scheme's default).
    /// </summary>
    public static byte[] BuildRequest(string host, string target, string key, IReadOnlyList<string>? subprotocols = null,
        string? extensions = null, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var w = HttpHeadWriter.Request("GET", target)
            .Header("Host", host)
            .Header("Upgrade", "websocket")
            .Header("Connection", "Upgrade")
            .Header("Sec-WebSocket-Key", key)
            .Header("Sec-WebSocket-Version", ServerHandshake.Version);
        if (subprotocols is { Count: > 0 }) w.Header("Sec-WebSocket-Protocol", string.Join(", ", subprotocols));
        if (extensions is not null) w.Header("Sec-WebSocket-Extensions", extensions);
        w.Headers(extraHeaders, "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions");
        return w.ToBytes();
    }

    /// <summary>
    /// Checks the response (section 4.1, the client's steps): status 101, Upgrade holding
    /// "websocket", Connection holding "upgrade", the Accept value matching our key, a subprotocol
    /// only if one of ours, and extensions only if we offered any (their parameters are checked by
    /// the extension negotiator).
    /// </summary>
    public static ResponseVerdict ValidateResponse(HttpResponseHead response, string key,
        IReadOnlyList<string>? offeredSubprotocols = null, bool extensionsOffered = false)
    {
        if (response.StatusCode != 101)
            return new($"the server answered {response.StatusCode} {response.ReasonPhrase}, not 101");
        var h = response.Headers;
        if (!h.ContainsToken("Upgrade", "websocket")) return new("the response lacks 'Upgrade: websocket'");
        if (!h.ContainsToken("Connection", "upgrade")) return new("the response's Connection header lacks 'upgrade'");
        if (h.CountOf("Sec-WebSocket-Accept") != 1 || h.Get("Sec-WebSocket-Accept")!.Trim() != WebSocketKey.ComputeAccept(key))
            return new("Sec-WebSocket-Accept does not match the key we sent");
        return ValidateNegotiation(h, offeredSubprotocols, extensionsOffered);
    }

    /// <summary>
    /// Checks the answer to an HTTP/2 extended CONNECT (RFC 8441 section 5): status 200 accepts it
    /// (there is no Upgrade, Connection or Sec-WebSocket-Accept: the stream is the proof), then the
    /// same subprotocol and extension rules as <see cref="ValidateResponse"/>.
    /// </summary>
    public static ResponseVerdict ValidateExtendedConnectResponse(HttpResponseHead response,
        IReadOnlyList<string>? offeredSubprotocols = null, bool extensionsOffered = false)
    {
        if (response.StatusCode != 200)
            return new($"the server answered {response.StatusCode} {response.ReasonPhrase}, not 200");
        return ValidateNegotiation(response.Headers, offeredSubprotocols, extensionsOffered);
    }

    // What every HTTP version's answer must respect: a subprotocol only if one of ours, extensions only if we offered any.
    private static ResponseVerdict ValidateNegotiation(HttpHeaderList h, IReadOnlyList<string>? offeredSubprotocols, bool extensionsOffered)
    {
        string? protocol = null;
        int protocolCount = h.CountOf("Sec-WebSocket-Protocol");
        if (protocolCount > 1) return new("more than one Sec-WebSocket-Protocol in the response");
        if (protocolCount == 1)
        {
            protocol = h.Get("Sec-WebSocket-Protocol")!.Trim();
            if (offeredSubprotocols is null || !offeredSubprotocols.Contains(protocol, StringComparer.Ordinal))
                return new($"the server chose subprotocol '{protocol}', which we did not offer");
        }
        string? extensions = h.Tokens("Sec-WebSocket-Extensions").Any()
            ? string.Join(", ", AllValues(h, "Sec-WebSocket-Extensions"))
            : null;
        if (extensions is not null && !extensionsOffered)
            return new("the server answered extensions we did not offer");
        return new(null, protocol, extensions);
    }

    private static IEnumerable<string> AllValues(HttpHeaderList h, string name)
    {
        foreach (var (n, v) in h)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) yield return v;
    }
}
