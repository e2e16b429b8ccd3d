using System.Buffers;

namespace WebSocketKit.Protocol.Compression;

/// <summary>One permessage-deflate compression context on zlib: sync flush per message, deflateReset without takeover.</summary>
internal sealed unsafe class ZlibDeflateStream : IDeflateEngine
{
    private readonly ZlibNative.ZStreamHandle _handle;
    private int _level;

    public ZlibDeflateStream(int level, int windowBits, int memLevel)
    {
        _handle = ZlibNative.CreateRawDeflater(level, windowBits, memLevel);
        _level = level;
    }

    // In a final call that ran out of output, the last 4 bytes written may belong to the 00 00 FF FF tail,
    // so they are held back until the flush completes.
    private readonly byte[] _held = new byte[4];
    private int _heldCount;
    private bool _inMessage;

    public OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool final, int level, out int consumed, out int written)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var s = _handle.Stream;
            if (_heldCount > 0 && !final) throw new InvalidOperationException("a message end that ran out of output must be continued with endOfMessage set");
            int reserve = _heldCount;
            fixed (byte* inPtr = input)
            fixed (byte* outPtr = output)
            {
                s->NextOut = outPtr + reserve;
                s->AvailOut = (uint)(output.Length - reserve);
                if (!_inMessage && level != _level)
                {
                    // Between messages nothing is pending, so this only switches the parameters.
                    int prc = ZlibNative.DeflateParams(s, level, ZlibNative.Z_DEFAULT_STRATEGY);
                    if (prc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateParams failed (rc {prc})");
                    _level = level;
                }
                _inMessage = true;
                s->NextIn = inPtr;
                s->AvailIn = (uint)input.Length;
                int rc = ZlibNative.Deflate(s, final ? ZlibNative.Z_SYNC_FLUSH : ZlibNative.Z_NO_FLUSH);
                consumed = input.Length - (int)s->AvailIn;
                int produced = (int)(s->NextOut - outPtr) - reserve;
                bool outputLeft = s->AvailOut != 0;
                s->NextIn = null;
                s->NextOut = null;
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
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Reset()
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            _heldCount = 0;
            _inMessage = false;
            int rc = ZlibNative.DeflateReset(_handle.Stream);
            if (rc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateReset failed (rc {rc})");
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();
}
