namespace Autobahn.Engine.Http2;

/// <summary>One HTTP/2 frame as it is on the wire (RFC 9113 §4.1): the payload is not interpreted here.</summary>
public sealed record Http2Frame(FrameType Type, byte Flags, int StreamId, byte[] Payload)
{
    public bool Has(byte flag) => (Flags & flag) != 0;

    public override string ToString() => $"{Type} stream {StreamId} flags 0x{Flags:x2} length {Payload.Length}";
}

/// <summary>A frame the peer sent that breaks HTTP/2 badly enough to end the connection (a connection error, RFC 9113 §5.4.1).</summary>
public sealed class Http2ConnectionException(Http2ErrorCode code, string message) : Exception(message)
{
    public Http2ErrorCode Code { get; } = code;
}
