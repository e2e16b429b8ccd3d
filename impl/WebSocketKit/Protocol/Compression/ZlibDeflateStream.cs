namespace WebSocketKit.Protocol.Compression;

/// <summary>One permessage-deflate compression context on the machine's zlib: deflateParams and deflateReset in place.</summary>
internal sealed unsafe class ZlibDeflateStream : ZlibDeflateEngine
{
    private readonly ZlibNative _zlib;
    private readonly ZlibNative.ZStreamHandle _handle;

    public ZlibDeflateStream(ZlibNative zlib, int level, int windowBits, int memLevel) : base(level)
    {
        _zlib = zlib;
        int rc = zlib.TryCreateRawDeflater(level, windowBits, memLevel, out var handle);
        _handle = handle ?? throw new ArgumentException($"zlib deflateInit2_ refused level {level}, window bits {windowBits}, memory level {memLevel} (rc {rc})");
    }

    protected override int Deflate(byte* input, int inputLength, byte* output, int outputLength, int flush, int newLevel,
        out int consumed, out int produced, out bool outputLeft)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var s = _handle.Stream;
            s->NextOut = output;
            s->AvailOut = (uint)outputLength;
            if (newLevel >= 0)
            {
                // deflateParams first deflates (Z_BLOCK) whatever input it is given at the old level, so it sees none of
                // this message; after the last message's sync flush nothing is pending and the change is immediate.
                s->NextIn = input;
                s->AvailIn = 0;
                int prc = _zlib.DeflateParams(s, newLevel);
                if (prc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateParams failed (rc {prc})");
            }
            s->NextIn = input;
            s->AvailIn = (uint)inputLength;
            int rc = _zlib.Deflate(s, flush);
            consumed = inputLength - (int)s->AvailIn;
            produced = (int)(s->NextOut - output);
            outputLeft = s->AvailOut != 0;
            s->NextIn = null;
            s->NextOut = null;
            return rc;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    protected override void ResetStream()
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            int rc = _zlib.DeflateReset(_handle.Stream);
            if (rc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateReset failed (rc {rc})");
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public override void Dispose() => _handle.Dispose();
}
