namespace WebSocketKit.Protocol.Compression;

/// <summary>Constants of the permessage-deflate extension (RFC 7692).</summary>
public static class PerMessageDeflate
{
    /// <summary>The extension token in Sec-WebSocket-Extensions.</summary>
    public const string ExtensionName = "permessage-deflate";

    /// <summary>
    /// The four octets a sync flush ends with. Senders strip them from each message (RFC 7692 section 7.2.1);
    /// receivers append them before inflating (section 7.2.2), which <see cref="Inflater.FinishMessage"/> does.
    /// </summary>
    public static ReadOnlySpan<byte> Tail => [0x00, 0x00, 0xFF, 0xFF];
}
