using System.Buffers;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// The permessage-deflate logic over a zlib stream: Z_NO_FLUSH within a message, Z_SYNC_FLUSH at its end with the
/// 00 00 FF FF tail taken off (a flush that does not end with it is an error), the tail held back across calls that
/// run out of output. Subclasses only run zlib.
/// </summary>
internal abstract unsafe class ZlibDeflateEngine : IDeflateEngine
{
    protected ZlibDeflateEngine(int level) => _level = level;

    private int _level;

    /// <summary>
    /// One deflate call; returns zlib's code and what was taken and produced. <paramref name="newLevel"/> is the
    /// level to switch to first (only at the start of a message, when nothing is pending), or -1.
    /// </summary>
    protected abstract int Deflate(byte* input, int inputLength, byte* output, int outputLength, int flush, int newLevel,
        out int consumed, out int produced, out bool outputLeft);

    /// <summary>Forgets the window.</summary>
    protected abstract void ResetStream();

    public abstract void Dispose();

    // In a final call that ran out of output, the last 4 bytes written may belong to the 00 00 FF FF tail,
    // so they are held back until the flush completes.
    private readonly byte[] _held = new byte[4];
    private int _heldCount;
    private bool _inMessage;

    public OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool final, int level, out int consumed, out int written)
    {
        if (_heldCount > 0 && !final) throw new InvalidOperationException("a message end that ran out of output must be continued with endOfMessage set");
        int reserve = _heldCount;
        int newLevel = -1;
        if (!_inMessage && level != _level) newLevel = _level = level;
        _inMessage = true;
        int rc, produced;
        bool outputLeft;
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
            rc = Deflate(inPtr, input.Length, outPtr + reserve, output.Length - reserve, final ? ZlibNative.Z_SYNC_FLUSH : ZlibNative.Z_NO_FLUSH, newLevel, out consumed, out produced, out outputLeft);
        if (rc != ZlibNative.Z_OK && rc != ZlibNative.Z_BUF_ERROR)
            throw new InvalidOperationException($"zlib deflate failed (rc {rc})");
        if (!final)
        {
            written = produced;
            return consumed == input.Length ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
        }
        _held.AsSpan(0, _heldCount).CopyTo(output);
        int total = _heldCount + produced;
        _heldCount = 0;
        if (consumed == input.Length && outputLeft)
        {
            _inMessage = false;
            if (total == 0)
            {
                // Nothing was pending (zlib says Z_BUF_ERROR): an empty stored block header whose LEN/NLEN is the tail.
                output[0] = 0;
                written = 1;
                return OperationStatus.Done;
            }
            if (total < 4 || !output.Slice(total - 4, 4).SequenceEqual(PerMessageDeflate.Tail))
                throw new InvalidOperationException("zlib sync flush did not end with 00 00 FF FF");
            written = total - 4;
            return OperationStatus.Done;
        }
        // Output full: keep the last 4 bytes back in case they start the tail.
        _heldCount = Math.Min(4, total);
        output.Slice(total - _heldCount, _heldCount).CopyTo(_held);
        written = total - _heldCount;
        return OperationStatus.DestinationTooSmall;
    }

    public void Reset()
    {
        _heldCount = 0;
        _inMessage = false;
        ResetStream();
    }
}
