namespace WebSocketKit;

/// <summary>
/// Message types, numbered as the opcodes of RFC 6455 section 11.8 (gorilla's TextMessage,
/// BinaryMessage, CloseMessage, PingMessage, PongMessage).
/// </summary>
public enum MessageType
{
    /// <summary>A text data message; its payload is UTF-8, checked on receipt and on send.</summary>
    Text = 1,
    /// <summary>A binary data message; its meaning is up to the application.</summary>
    Binary = 2,
    /// <summary>A close control message: an optional status code and UTF-8 reason (see <see cref="CloseMessages.Format"/>).</summary>
    Close = 8,
    /// <summary>A ping control message: up to 125 bytes the peer returns in a pong.</summary>
    Ping = 9,
    /// <summary>A pong control message: the answer to a ping, or an unsolicited heartbeat.</summary>
    Pong = 10,
}
