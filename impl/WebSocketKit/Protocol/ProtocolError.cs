namespace WebSocketKit.Protocol;

/// <summary>
/// Why incoming bytes broke the protocol. Each value maps to exactly one close code
/// (<see cref="ProtocolErrors.CloseCode"/>), the one the RFC and the Autobahn TestSuite expect.
/// </summary>
public enum ProtocolError
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>Opcode 3-7 or 11-15 (RFC 6455 section 5.2).</summary>
    ReservedOpcode,
    /// <summary>RSV1, RSV2 or RSV3 set where no negotiated extension gives it a meaning.</summary>
    ReservedBitsSet,
    /// <summary>A control frame with more than 125 bytes of payload (section 5.5).</summary>
    ControlFrameTooLong,
    /// <summary>A control frame without FIN: control frames must not be fragmented (section 5.5).</summary>
    ControlFrameFragmented,
    /// <summary>A 64-bit payload length with its most significant bit set (section 5.2).</summary>
    LengthTopBitSet,
    /// <summary>A server received a frame without a mask (section 5.1).</summary>
    UnmaskedFrameFromClient,
    /// <summary>A client received a masked frame (section 5.1).</summary>
    MaskedFrameFromServer,
    /// <summary>A continuation frame arrived when no fragmented message was open (section 5.4).</summary>
    ContinuationWithoutStart,
    /// <summary>A Text or Binary frame arrived while a fragmented message was still open (section 5.4).</summary>
    DataFrameInsideFragmentedMessage,
    /// <summary>The message is larger than the configured read limit.</summary>
    MessageTooBig,
    /// <summary>A text message, or a close reason, is not valid UTF-8 (section 8.1).</summary>
    InvalidUtf8,
    /// <summary>A close frame with a 1-byte payload (section 5.5.1).</summary>
    ClosePayloadTooShort,
    /// <summary>A close frame whose status code may not be sent on the wire (section 7.4).</summary>
    InvalidCloseCode,
    /// <summary>Compressed data that does not inflate (RFC 7692).</summary>
    InvalidCompressedData,
}

/// <summary>Maps protocol errors to the close codes sent when failing the connection.</summary>
public static class ProtocolErrors
{
    /// <summary>The close code to send for <paramref name="error"/>.</summary>
    public static ushort CloseCode(ProtocolError error) => error switch
    {
        ProtocolError.None => CloseStatus.NormalClosure,
        ProtocolError.MessageTooBig => CloseStatus.MessageTooBig,
        ProtocolError.InvalidUtf8 => CloseStatus.InvalidPayloadData,
        // RFC 7692 only says "fail the connection"; like UTF-8 errors this is bad payload, not bad
        // framing, so 1007 (node-ws and Jetty answer corrupt deflate data the same way).
        ProtocolError.InvalidCompressedData => CloseStatus.InvalidPayloadData,
        _ => CloseStatus.ProtocolError,
    };

    /// <summary>A short human description, used in exception messages and close reasons.</summary>
    public static string Describe(ProtocolError error) => error switch
    {
        ProtocolError.None => "no error",
        ProtocolError.ReservedOpcode => "reserved opcode",
        ProtocolError.ReservedBitsSet => "reserved bit set without a negotiated extension",
        ProtocolError.ControlFrameTooLong => "control frame payload longer than 125 bytes",
        ProtocolError.ControlFrameFragmented => "fragmented control frame",
        ProtocolError.LengthTopBitSet => "64-bit payload length with the top bit set",
        ProtocolError.UnmaskedFrameFromClient => "unmasked frame from a client",
        ProtocolError.MaskedFrameFromServer => "masked frame from a server",
        ProtocolError.ContinuationWithoutStart => "continuation frame without a message to continue",
        ProtocolError.DataFrameInsideFragmentedMessage => "new data frame inside a fragmented message",
        ProtocolError.MessageTooBig => "message larger than the read limit",
        ProtocolError.InvalidUtf8 => "invalid UTF-8 in a text message or close reason",
        ProtocolError.ClosePayloadTooShort => "close frame with a one-byte payload",
        ProtocolError.InvalidCloseCode => "close code that may not be sent on the wire",
        ProtocolError.InvalidCompressedData => "compressed payload does not inflate",
        _ => error.ToString(),
    };
}
