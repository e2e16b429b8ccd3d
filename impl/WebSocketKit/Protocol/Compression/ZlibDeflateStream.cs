namespace WebSocketKit.Protocol.Compression;

/// <summary>One permessage-deflate compression context on the machine's libz: deflateParams and deflateReset in place.</summary>
internal sealed unsafe class ZlibDeflateStream : ZlibDeflateEngine
{
    private readonly ZlibNative.ZStreamHandle _handle;

    public ZlibDeflateStream(int level, int windowBits, int memLevel) : base(level)
        => _handle = ZlibNative.CreateRawDeflater(level, windowBits, memLevel);

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
                int prc = ZlibNative.DeflateParams(s, newLevel, ZlibNative.Z_DEFAULT_STRATEGY);
                if (prc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateParams failed (rc {prc})");
            }
            s->NextIn = input;
            s->AvailIn = (uint)inputLength;
            int rc = ZlibNative.Deflate(s, flush);
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
            int rc = ZlibNative.DeflateReset(_handle.Stream);
            if (rc != ZlibNative.Z_OK) throw new InvalidOperationException($"zlib deflateReset failed (rc {rc})");
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public override void Dispose() => _handle.Dispose();
}
