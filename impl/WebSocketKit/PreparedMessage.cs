using System.Text.Unicode;
using WebSocketKit.Protocol;

namespace WebSocketKit;

/// <summary>
/// A message encoded once and sent to many connections with
/// <see cref="Conn.WritePreparedMessageAsync"/> (gorilla's <c>PreparedMessage</c>), e.g. a
/// broadcast. Server connections send the same unmasked frame bytes, built on first use. Client
/// frames are not cached: RFC 6455 section 10.3 wants an unpredictable mask for every frame, and
/// gorilla's reuse of one mask per prepared message gives that up; we mask afresh at each send.
/// When permessage-deflate lands, the compressed frame is cached here too, once per set of
/// compression parameters.
/// </summary>
public sealed class PreparedMessage
{
    private byte[]? _serverFrame;

    /// <summary>Prepares a message of <paramref name="type"/>; <paramref name="data"/> is copied.</summary>
    public PreparedMessage(MessageType type, ReadOnlyMemory<byte> data)
    {
        if (!Enum.IsDefined(type)) throw new ArgumentOutOfRangeException(nameof(type));
        if (type is MessageType.Close or MessageType.Ping or MessageType.Pong && data.Length > FrameHeader.MaxControlPayload)
            throw new ArgumentException("websocket: a control frame carries at most 125 bytes.", nameof(data));
        if (type == MessageType.Text && !Utf8.IsValid(data.Span))
            throw new ArgumentException("websocket: a text message must be valid UTF-8.", nameof(data));
        Type = type;
        Data = data.ToArray();
    }

    /// <summary>The message type.</summary>
    public MessageType Type { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    // The whole unmasked frame, as every server connection sends it.
    internal ReadOnlyMemory<byte> ServerFrame
    {
        get
        {
            var frame = Volatile.Read(ref _serverFrame);
            if (frame is null)
            {
                frame = new byte[FrameHeader.SizeFor(Data.Length, false) + Data.Length];
                FrameEncoder.WriteFrame(frame, true, (Opcode)Type, Data.Span);
                Volatile.Write(ref _serverFrame, frame);
            }
            return frame;
        }
    }
}
