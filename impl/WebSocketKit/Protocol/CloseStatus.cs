namespace WebSocketKit.Protocol;

/// <summary>
/// Close status codes (RFC 6455 section 7.4.1 and the IANA registry) and the rule for which of
/// them may appear in a Close frame on the wire.
/// </summary>
public static class CloseStatus
{
    /// <summary>1000: the purpose of the connection was fulfilled.</summary>
    public const ushort NormalClosure = 1000;
    /// <summary>1001: the endpoint is going away (server shutdown, page navigated away).</summary>
    public const ushort GoingAway = 1001;
    /// <summary>1002: the peer broke the protocol.</summary>
    public const ushort ProtocolError = 1002;
    /// <summary>1003: a data type the endpoint cannot accept.</summary>
    public const ushort UnsupportedData = 1003;
    /// <summary>1005: no status code was present. Reserved: never sent on the wire.</summary>
    public const ushort NoStatusReceived = 1005;
    /// <summary>1006: the connection closed without a Close frame. Reserved: never sent on the wire.</summary>
    public const ushort AbnormalClosure = 1006;
    /// <summary>1007: message data inconsistent with its type (e.g. invalid UTF-8 in text).</summary>
    public const ushort InvalidPayloadData = 1007;
    /// <summary>1008: a message that violates the endpoint's policy.</summary>
    public const ushort PolicyViolation = 1008;
    /// <summary>1009: a message too big to process.</summary>
    public const ushort MessageTooBig = 1009;
    /// <summary>1010: the client expected an extension the server did not negotiate.</summary>
    public const ushort MandatoryExtension = 1010;
    /// <summary>1011: the server met an unexpected condition.</summary>
    public const ushort InternalServerError = 1011;
    /// <summary>1012: the service is restarting (IANA registry).</summary>
    public const ushort ServiceRestart = 1012;
    /// <summary>1013: try again later (IANA registry).</summary>
    public const ushort TryAgainLater = 1013;
    /// <summary>1014: a gateway received an invalid response (IANA registry).</summary>
    public const ushort BadGateway = 1014;
    /// <summary>1015: the TLS handshake failed. Reserved: never sent on the wire.</summary>
    public const ushort TlsHandshake = 1015;

    /// <summary>
    /// True when <paramref name="code"/> may be carried by a Close frame: 1000-1003, 1007-1014
    /// (the assigned, sendable part of 1000-2999), and 3000-4999 (registered and private use).
    /// Never: below 1000, 1004 (reserved), 1005, 1006, 1015 (reserved for local use),
    /// 1016-2999 (unassigned) and 5000 and above.
    /// </summary>
    public static bool IsValidOnWire(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };
}
