using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// A message encoded once and sent to many connections with
/// <see cref="Conn.WritePreparedMessageAsync"/> (gorilla's <c>PreparedMessage</c>), e.g. a
/// broadcast. Server connections send the same unmasked frame bytes, built on first use. Client
/// frames are not cached: RFC 6455 section 10.3 wants an unpredictable mask for every frame, and
/// gorilla's reuse of one mask per prepared message gives that up; we mask afresh at each send.
/// On connections with permessage-deflate and no context takeover for what they send, the
/// compressed frame is cached too, once per window size and level (with takeover each connection's
/// window differs, so it compresses the message itself).
/// </summary>
public sealed class PreparedMessage
{
    private byte[]? _serverFrame;
    // Compressed server frames (RSV1 set), one per (window bits, level): few in practice.
    private readonly Lock _gate = new();
    private (int WindowBits, int Level, int HeaderSize, byte[] Frame)[] _compressed = [];

    /// <summary>Prepares a message of <paramref name="type"/>; <paramref name="data"/> is copied.</summary>
    public PreparedMessage(MessageType type, ReadOnlyMemory<byte> data)
    {
        if (!Enum.IsDefined(type)) throw new ArgumentOutOfRangeException(nameof(type));
        if (type is MessageType.Close or MessageType.Ping or MessageType.Pong && data.Length > FrameHeader.MaxControlPayload)
            throw new ArgumentException("websocket: a control frame carries at most 125 bytes.", nameof(data));
        Conn.ThrowIfInvalidText(type, data.Span);
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

    // The whole unmasked compressed frame for this window and level (its payload starts at
    // headerSize; client connections mask a copy of that payload). Compressed on first use.
    internal ReadOnlyMemory<byte> CompressedFrame(int windowBits, int level, int memoryLevel, out int headerSize)
    {
        foreach (var c in Volatile.Read(ref _compressed))
        {
            if (c.WindowBits == windowBits && c.Level == level)
            {
                headerSize = c.HeaderSize;
                return c.Frame;
            }
        }
        var deflater = CompressionPool.RentDeflater(windowBits, memoryLevel);
        byte[] frame;
        try
        {
            deflater.Level = level;
            var payload = new byte[MessageDeflater.GetMaxCompressedLength(Data.Length)];
            int n = deflater.Compress(Data.Span, payload);
            headerSize = FrameHeader.SizeFor(n, false);
            frame = new byte[headerSize + n];
            FrameEncoder.WriteHeader(frame, true, (Opcode)Type, n, rsv1: true);
            payload.AsSpan(0, n).CopyTo(frame.AsSpan(headerSize));
        }
        finally
        {
            CompressionPool.Return(deflater, memoryLevel);
        }
        lock (_gate)
            _compressed = [.. _compressed, (windowBits, level, headerSize, frame)];
        return frame;
    }
}
