using System.Buffers;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Compresses outgoing messages for permessage-deflate (RFC 7692 section 7.2.1): each message is deflated with
/// a sync flush and the trailing 00 00 FF FF removed. Back-references never reach further than 2^windowBits
/// bytes; without context takeover every message is compressed on its own. Uses the machine's zlib, through its
/// documented ABI and only after it passed a known-answer check for these parameters, for window bits 9-15, and our
/// <see cref="FixedHuffmanDeflater"/> for 8 (which zlib cannot honour) or when no trustworthy zlib is there
/// (see <see cref="EngineStatus"/>).
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
        : this(DeflateEngineSelector.Default, windowBits, contextTakeover, level, memoryLevel, preferZlib)
    {
    }

    internal MessageDeflater(DeflateEngineSelector engines, int windowBits = 15, bool contextTakeover = true, int level = 6, int memoryLevel = 8, bool preferZlib = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, DeflateConstants.MinWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, DeflateConstants.MaxWindowBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryLevel, 9);
        Level = level;
        WindowBits = windowBits;
        ContextTakeover = contextTakeover;
        _engine = engines.Create(windowBits, level, memoryLevel, preferZlib, out var kind);
        Engine = kind;
    }

    /// <summary>
    /// Which compressor new deflaters of this process use (for window 15, memory level 8): the system zlib and its
    /// version, or the managed deflater and why zlib is not used. For diagnostics; the library logs nothing itself.
    /// </summary>
    public static string EngineStatus => DeflateEngineSelector.Default.Status;

    /// <summary>The window our output stays within: no distance exceeds 2^WindowBits.</summary>
    public int WindowBits { get; }

    /// <summary>Whether messages share the window.</summary>
    public bool ContextTakeover { get; }

    /// <summary>
    /// True when compressing with a zlib (the machine's, or the runtime's behind DeflateStream), false with our
    /// managed deflater; <see cref="EngineStatus"/> says which.
    /// </summary>
    public bool UsesZlib => Engine != DeflateEngineKind.Managed;

    /// <summary>The compressor this deflater runs on.</summary>
    internal DeflateEngineKind Engine { get; }

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
        if (output.Length < GetMaxCompressedLength(message.Length))
            throw new ArgumentException("output is smaller than GetMaxCompressedLength(message.Length)", nameof(output));
        var status = Compress(message, output, endOfMessage: true, out _, out int written);
        // The bound covers the worst case of both engines, so one call always finishes.
        if (status != OperationStatus.Done) throw new InvalidOperationException("compression did not finish within GetMaxCompressedLength");
        return written;
    }

    /// <summary>
    /// Streams a message through the compressor: pass its bytes in any chunking, the last chunk (possibly empty)
    /// with <paramref name="endOfMessage"/> set. Done: all input was taken (and, at the end, the message is
    /// complete: the payload is everything written for it). DestinationTooSmall: call again with the remaining
    /// input, fresh output and the same <paramref name="endOfMessage"/>. <paramref name="output"/> must hold 16 bytes.
    /// </summary>
    public OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool endOfMessage, out int consumed, out int written)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < 16) throw new ArgumentException("output must have room for at least 16 bytes", nameof(output));
        var status = _engine.Compress(input, output, endOfMessage, _level, out consumed, out written);
        if (status == OperationStatus.Done && endOfMessage && !ContextTakeover) _engine.Reset();
        return status;
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
