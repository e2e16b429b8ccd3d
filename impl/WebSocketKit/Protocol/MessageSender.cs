using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Protocol;

/// <summary>
/// The sending half of a connection's protocol state, Sans-IO: it turns payloads and control frames
/// into frame bytes in caller memory and keeps what the RFCs make the sender track: masking by role
/// (a client masks every frame with a fresh unpredictable key, RFC 6455 section 5.3), that nothing
/// follows its Close (section 5.5.1), and permessage-deflate: whether a message is compressed (the
/// threshold, the application's switch and level) and the compression context of this direction,
/// kept for the connection's life with context takeover and rented per message without (RFC 7692).
/// <para>
/// Frame building and deflating are used by one writer at a time; <see cref="CloseSent"/> may be
/// read from anywhere.
/// </para>
/// </summary>
public sealed class MessageSender : IDisposable
{
    /// <summary>Room to keep in front of a payload for the largest frame header.</summary>
    public const int HeaderRoom = FrameHeader.MaxSize;

    private readonly Role _role;
    private readonly PerMessageDeflateParameters? _compression;
    private MessageDeflater? _keptDeflater;
    private volatile bool _closeSent;

    /// <summary>
    /// A sender for <paramref name="role"/>; <paramref name="compression"/> is what the handshake
    /// agreed (null: none), and sets the starting level.
    /// </summary>
    public MessageSender(Role role, PerMessageDeflateParameters? compression = null)
    {
        _role = role;
        _compression = compression;
        if (compression is not null) CompressionLevel = compression.Level;
    }

    /// <summary>True once a Close frame has been built: no frame may follow it.</summary>
    public bool CloseSent => _closeSent;

    /// <summary>Whether the frames are masked (the client's role).</summary>
    public bool Masks => _role == Role.Client;

    /// <summary>The application's switch: compress the next messages when permessage-deflate was agreed (default on).</summary>
    public bool CompressionEnabled { get; set; } = true;

    /// <summary>
    /// The deflate level for the next messages, as zlib numbers them: -2 (Huffman only, run at 1),
    /// -1 (default, 6), 0 (store) to 9.
    /// </summary>
    public int CompressionLevel { get; set; } = PerMessageDeflateOptions.DefaultLevel;

    /// <summary>True when permessage-deflate is agreed and switched on: streamed messages may be compressed.</summary>
    public bool CompressesStreams => _compression is not null && CompressionEnabled;

    /// <summary>Messages shorter than this go out plain.</summary>
    public int CompressionThreshold => _compression?.Threshold ?? 0;

    /// <summary>Whether a whole data message of <paramref name="length"/> bytes goes out compressed.</summary>
    public bool ShouldCompress(int length) => CompressesStreams && length >= _compression!.Threshold;

    /// <summary>True when this direction keeps its compression context from one message to the next.</summary>
    public bool ContextTakeover => _compression is { } c && c.WriteContextTakeover(_role);

    /// <summary>Window bits of what this side compresses.</summary>
    public int WindowBits => _compression?.WriteWindowBits(_role) ?? DeflateConstants.MaxWindowBits;

    /// <summary>The memory level of this side's compressor.</summary>
    public int MemoryLevel => _compression?.MemoryLevel ?? 8;

    // Our compressors have no Huffman-only mode: -2 runs at 1, the cheapest level that still compresses.
    /// <summary>The level the compressor actually runs at.</summary>
    public int EffectiveLevel => CompressionLevel switch { -1 => 6, -2 => 1, var l => l };

    /// <summary>
    /// Frames a payload in place: it sits at <c>buffer[HeaderRoom..HeaderRoom+count]</c>; the header
    /// is written just in front of it and a client's payload is masked. Returns where the frame
    /// starts; it ends at <c>HeaderRoom + count</c>. <paramref name="compressed"/> sets RSV1, for the
    /// first frame of a compressed message.
    /// </summary>
    public int FrameInPlace(Span<byte> buffer, int count, Opcode opcode, bool fin, bool compressed = false)
    {
        bool masked = Masks;
        int start = HeaderRoom - FrameHeader.SizeFor(count, masked);
        uint key = masked ? MaskKeys.Next() : 0;
        FrameEncoder.WriteHeader(buffer[start..], fin, opcode, count, masked, key, compressed);
        if (masked) Masking.Apply(buffer.Slice(HeaderRoom, count), key, 0);
        return start;
    }

    /// <summary>
    /// Writes only the header of a frame whose payload the caller sends in pieces; a client then
    /// masks each piece with <paramref name="maskKey"/> (see <see cref="Masking.Apply(ReadOnlySpan{byte}, Span{byte}, uint, int)"/>).
    /// Returns the header's size.
    /// </summary>
    public int WriteHeader(Span<byte> destination, Opcode opcode, bool fin, long payloadLength, out uint maskKey, bool compressed = false)
    {
        maskKey = Masks ? MaskKeys.Next() : 0;
        return FrameEncoder.WriteHeader(destination, fin, opcode, payloadLength, Masks, maskKey, compressed);
    }

    /// <summary>
    /// Builds a Close, Ping or Pong frame into <paramref name="destination"/> (at least
    /// <see cref="FrameHeader.MaxSize"/> + 125 bytes) and returns its length. Throws
    /// <see cref="InvalidOperationException"/> once a Close was built: nothing may follow it.
    /// </summary>
    public int WriteControl(Span<byte> destination, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        if (!Opcodes.IsControl(opcode)) throw new ArgumentException("Close, Ping or Pong only.", nameof(opcode));
        if (_closeSent) throw new InvalidOperationException("websocket: a close frame was already sent; no frame may follow it.");
        int n = FrameEncoder.WriteFrame(destination, true, opcode, payload, Masks, Masks ? MaskKeys.Next() : 0);
        if (opcode == Opcode.Close) _closeSent = true;
        return n;
    }

    /// <summary>
    /// The compressor for one message, at the current level: the connection's own with context
    /// takeover, else one from the shared pool. Give it back with <see cref="ReleaseDeflater"/>.
    /// </summary>
    public MessageDeflater AcquireDeflater()
    {
        var c = _compression ?? throw new InvalidOperationException("permessage-deflate was not negotiated.");
        var deflater = ContextTakeover
            ? _keptDeflater ??= c.CreateDeflater(_role, EffectiveLevel, c.MemoryLevel)
            : CompressionPool.RentDeflater(WindowBits, c.MemoryLevel);
        deflater.Level = EffectiveLevel;
        return deflater;
    }

    /// <summary>Ends a message's use of the compressor; a pooled one goes back to the pool.</summary>
    public void ReleaseDeflater(MessageDeflater deflater)
    {
        if (!deflater.ContextTakeover) CompressionPool.Return(deflater, MemoryLevel);
    }

    /// <summary>
    /// Compresses a whole message into <paramref name="output"/> (room for
    /// <see cref="MessageDeflater.GetMaxCompressedLength"/>), as permessage-deflate sends it: sync
    /// flushed, the 00 00 FF FF tail removed. Returns the compressed length.
    /// </summary>
    public int CompressMessage(ReadOnlySpan<byte> message, Span<byte> output)
    {
        var deflater = AcquireDeflater();
        try
        {
            return deflater.Compress(message, output);
        }
        finally
        {
            ReleaseDeflater(deflater);
        }
    }

    /// <summary>Frees the kept compression context (native memory with zlib).</summary>
    public void Dispose() => _keptDeflater?.Dispose();
}
