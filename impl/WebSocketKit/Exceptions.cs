using WebSocketKit.Protocol;

namespace WebSocketKit;

/// <summary>
/// The connection ended with a close status: either the peer sent a Close frame (its code and
/// reason are here) or the connection dropped without one (code 1006, <see cref="CloseStatus.AbnormalClosure"/>,
/// which never travels on the wire). gorilla's *CloseError.
/// </summary>
public sealed class CloseException : Exception
{
    /// <summary>Creates the error for a close with <paramref name="code"/> and <paramref name="text"/>.</summary>
    public CloseException(int code, string text, Exception? inner = null)
        : base(Describe(code, text), inner)
    {
        Code = code;
        Text = text;
    }

    /// <summary>The close status code: 1005 when the peer's Close frame had none, 1006 when the connection dropped.</summary>
    public int Code { get; }

    /// <summary>The peer's close reason, or a description of the drop.</summary>
    public string Text { get; }

    private static string Describe(int code, string text)
        => code == CloseStatus.AbnormalClosure
            ? $"websocket: connection closed without a close frame (1006): {text}"
            : $"websocket: close {code}{(text.Length > 0 ? ": " + text : "")}";
}

/// <summary>
/// The peer broke RFC 6455 (or RFC 7692): we sent it a Close frame with <see cref="CloseCode"/>
/// (1002 protocol error, 1007 invalid payload data, 1009 message too big) and closed the
/// connection.
/// </summary>
public sealed class WebSocketProtocolException : Exception
{
    /// <summary>Creates the error for <paramref name="error"/>.</summary>
    public WebSocketProtocolException(ProtocolError error)
        : base($"websocket: the peer broke the protocol ({ProtocolErrors.Describe(error)}); closed with {ProtocolErrors.CloseCode(error)}")
    {
        Error = error;
        CloseCode = ProtocolErrors.CloseCode(error);
    }

    /// <summary>Which rule the peer broke.</summary>
    public ProtocolError Error { get; }

    /// <summary>The close code we sent.</summary>
    public ushort CloseCode { get; }
}

/// <summary>
/// A call on a connection that can no longer do it: a read after the read side failed or the
/// peer closed, a write after the write side failed or after we sent a Close frame. The first
/// failure is the <see cref="Exception.InnerException"/>, when there is one. gorilla returns the
/// sticky error (or ErrCloseSent); a distinct type makes "it failed earlier" obvious.
/// </summary>
public sealed class ConnectionClosedException : Exception
{
    /// <summary>Creates the error with <paramref name="message"/> and the earlier failure.</summary>
    public ConnectionClosedException(string message, Exception? firstFailure = null) : base(message, firstFailure) { }
}

/// <summary>
/// The opening handshake failed. On the server the refusal with <see cref="Status"/> has already
/// been written to the client (except for a timeout or a broken stream).
/// </summary>
public sealed class HandshakeException : Exception
{
    /// <summary>Creates the error for <paramref name="status"/> and <paramref name="reason"/>.</summary>
    public HandshakeException(int status, string reason, Exception? inner = null)
        : base($"websocket: handshake failed ({status}): {reason}", inner)
    {
        Status = status;
        Reason = reason;
    }

    /// <summary>The HTTP status of the refusal (408 for a timeout).</summary>
    public int Status { get; }

    /// <summary>The plain reason.</summary>
    public string Reason { get; }
}
