namespace WebSocketKit.Protocol;

/// <summary>
/// One decoded frame header (RFC 6455 section 5.2):
/// <code>
///  FIN RSV1 RSV2 RSV3 opcode(4) | MASK length(7) | [16 or 64-bit length] | [4-byte mask key]
/// </code>
/// </summary>
public readonly record struct FrameHeader(
    bool Fin,
    bool Rsv1,
    bool Rsv2,
    bool Rsv3,
    Opcode Opcode,
    bool Masked,
    uint MaskKey,
    long PayloadLength)
{
    /// <summary>The largest header: 2 fixed bytes, an 8-byte length and a 4-byte mask key.</summary>
    public const int MaxSize = 14;

    /// <summary>The largest control frame payload (section 5.5).</summary>
    public const int MaxControlPayload = 125;

    /// <summary>True for Close, Ping and Pong.</summary>
    public bool IsControl => Opcodes.IsControl(Opcode);

    /// <summary>The number of bytes this header takes on the wire.</summary>
    public int Size => SizeFor(PayloadLength, Masked);

    /// <summary>
    /// Header size for a payload of <paramref name="payloadLength"/> bytes: lengths up to 125 fit
    /// the 7-bit field, up to 65535 take a 16-bit extension, anything larger a 64-bit one.
    /// </summary>
    public static int SizeFor(long payloadLength, bool masked)
        => (payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + (masked ? 4 : 0);
}
