using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// The server (or the proxy in front of it) did not complete the client's opening handshake:
/// it refused with another status than 101, or its 101 broke RFC 6455 section 4.1 (wrong
/// Sec-WebSocket-Accept, missing Upgrade/Connection, a subprotocol or extension we did not offer).
/// gorilla's <c>ErrBadHandshake</c>, with what the server said attached.
/// </summary>
public sealed class BadHandshakeException : Exception
{
    /// <summary>Creates the error for a response with <paramref name="status"/>.</summary>
    public BadHandshakeException(int status, string reason, HttpResponseHead? response = null, byte[]? body = null,
        bool fromProxy = false, ExtensionNegotiationError extensionError = ExtensionNegotiationError.None)
        : base($"websocket: bad handshake{(fromProxy ? " (proxy CONNECT)" : "")} ({status}): {reason}")
    {
        Status = status;
        Reason = reason;
        Response = response;
        Body = body ?? [];
        FromProxy = fromProxy;
        ExtensionError = extensionError;
    }

    /// <summary>The HTTP status the server answered with: 101 when its 101 was invalid, 0 when the answer was not HTTP or ended early.</summary>
    public int Status { get; }

    /// <summary>What is wrong, in plain words.</summary>
    public string Reason { get; }

    /// <summary>The response head, headers included.</summary>
    public HttpResponseHead? Response { get; }

    /// <summary>
    /// The start of the refusal's body (at most <see cref="Dialer.MaxRefusalBodyBytes"/> bytes),
    /// empty for a 101.
    /// </summary>
    public byte[] Body { get; }

    /// <summary>True when the HTTP proxy refused the CONNECT tunnel, not the WebSocket server.</summary>
    public bool FromProxy { get; }

    /// <summary>Why the Sec-WebSocket-Extensions answer was refused, when that is the reason.</summary>
    public ExtensionNegotiationError ExtensionError { get; }
}
