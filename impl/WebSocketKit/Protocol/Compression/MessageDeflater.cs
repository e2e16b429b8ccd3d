namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Compresses outgoing messages for permessage-deflate (RFC 7692 section 7.2.1): each message is deflated with
/// a sync flush and the trailing 00 00 FF FF removed. Back-references never reach further than 2^windowBits
/// bytes; without context takeover every message is compressed on its own. Uses zlib for window bits 9-15 (the
/// zlib-ng inside the .NET runtime, else the machine's libz) and our <see cref="FixedHuffmanDeflater"/> for 8
/// (which zlib cannot honour) or when no zlib is there.
/// </summary>
public sealed class MessageDeflater : IDisposable
{
    private readonly IDeflateEngine _engine;
    private int _level;
    private bool _disposed;

    /// <param name="windowBits">The window the peer agreed to inflate with, 8..15.</param>
    /// <param name="contextTakeover">Whether later messages may refer back into earlier ones.</param>
    /// <param name="level">Compression level 0 (stored) .. 9 (smallest); changeable per message with <see cref="Level"/>.</param>
    /// <param name="memoryLevel">zlib's memLevel, 1..9.</param>
    /// <param name="preferZlib">False forces our managed deflater for every window size.</param>
    public MessageDeflater(int windowBits = 15, bool contextTakeover = true, int level = 6, int memoryLevel = 8, bool preferZlib = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, DeflateConstants.MinWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, DeflateConstants.MaxWindowBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryLevel, 9);
        Level = level;
        WindowBits = windowBits;
        ContextTakeover = contextTakeover;
        UsesZlib = preferZlib && windowBits >= 9 && (BundledZlibDeflateStream.IsAvailable || ZlibNative.Version is not null);
        // The runtime's own zlib-ng first (the fastest), the machine's libz second, ours for the rest.
        _engine = !UsesZlib ? new FixedHuffmanDeflater(windowBits)
            : BundledZlibDeflateStream.IsAvailable ? new BundledZlibDeflateStream(level, windowBits, memoryLevel)
            : new ZlibDeflateStream(level, windowBits, memoryLevel);
    }

    /// <summary>The window our output stays within: no distance exceeds 2^WindowBits.</summary>
    public int WindowBits { get; }

    /// <summary>Whether messages share the window.</summary>
    public bool ContextTakeover { get; }

    /// <summary>True when compressing with zlib (the runtime's or the machine's), false with our managed deflater.</summary>
    public bool UsesZlib { get; }

    /// <summary>The level used for the next message, 0..9.</summary>
    public int Level
    {
        get => _level;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 9);
            _level = value;
        }
    }

    /// <summary>An output size that is always enough for a message of <paramref name="length"/> bytes.</summary>
    public static int GetMaxCompressedLength(int length) => checked(length + (length >> 3) + 64);

    /// <summary>
    /// Compresses one whole message into <paramref name="output"/> (at least
    /// <see cref="GetMaxCompressedLength"/> bytes) and returns the payload length, tail already removed.
    /// </summary>
    public int Compress(ReadOnlySpan<byte> message, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < GetMaxCompressedLength(message.Length))
            throw new ArgumentException("output is smaller than GetMaxCompressedLength(message.Length)", nameof(output));
        int written = _engine.Compress(message, output, _level);
        if (!ContextTakeover) _engine.Reset();
        return written;
    }

    /// <summary>
    /// Compresses one piece of a message that is sent in parts (a streamed message). Every piece ends at a
    /// sync-flush point, so it can go out as a frame at once; a piece that is not <paramref name="final"/> keeps
    /// its 00 00 FF FF (the stream goes on), the final one has it removed as in <see cref="Compress"/>.
    /// <paramref name="output"/> needs <see cref="GetMaxCompressedLength"/> + 4 bytes. Without context takeover
    /// the window is forgotten after the final piece only.
    /// </summary>
    public int CompressPart(ReadOnlySpan<byte> piece, Span<byte> output, bool final)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < GetMaxCompressedLength(piece.Length) + PerMessageDeflate.Tail.Length)
            throw new ArgumentException("output is smaller than GetMaxCompressedLength(piece.Length) + 4", nameof(output));
        int written = _engine.Compress(piece, output, _level);
        if (final)
        {
            if (!ContextTakeover) _engine.Reset();
            return written;
        }
        PerMessageDeflate.Tail.CopyTo(output[written..]);
        return written + PerMessageDeflate.Tail.Length;
    }

    /// <summary>Forgets the shared window (the peer must forget it too, e.g. on a new connection).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _engine.Reset();
    }

    /// <summary>Frees the native zlib stream.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _engine.Dispose();
    }
}
