namespace WebSocketKit.Protocol;

/// <summary>
/// Which end of the connection this code plays. It decides masking (RFC 6455 section 5.1):
/// a client masks every frame it sends and a server masks none, so a server must reject an
/// unmasked frame and a client must reject a masked one.
/// </summary>
public enum Role
{
    /// <summary>We accepted the connection: incoming frames must be masked.</summary>
    Server,
    /// <summary>We opened the connection: incoming frames must not be masked.</summary>
    Client,
}
