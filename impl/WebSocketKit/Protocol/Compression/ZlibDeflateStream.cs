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

    public int Compress(ReadOnlySpan<byte> message, Span<byte> output, int level)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var s = _handle.Stream;
            fixed (byte* input = message)
            fixed (byte* outPtr = output)
            {
                s->NextOut = outPtr;
                s->AvailOut = (uint)output.Length;
                if (level != _level)
                {
                    // Between messages nothing is pending, so this only switches the parameters.
                    int prc = ZlibNative.DeflateParams(s, level, ZlibNative.Z_DEFAULT_STRATEGY);
                    if (prc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateParams failed (rc {prc})");
                    _level = level;
                }
                s->NextIn = input;
                s->AvailIn = (uint)message.Length;
                int rc = ZlibNative.Deflate(s, ZlibNative.Z_SYNC_FLUSH);
                int produced = (int)(s->NextOut - outPtr);
                s->NextIn = null;
                s->NextOut = null;
                return ZlibNative.EndOfMessage(rc, produced, s->AvailIn, s->AvailOut, message.IsEmpty, output);
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
