using System.Runtime.InteropServices;

namespace Autobahn.Engine.Wire;

/// <summary>
/// Raw-deflate compression through the platform's libz, for windows smaller than 15 bits, which
/// System.IO.Compression cannot be told to use. The only file that calls native code.
/// </summary>
public sealed unsafe class ZlibDeflater : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn; public uint AvailIn; public nuint TotalIn;
        public byte* NextOut; public uint AvailOut; public nuint TotalOut;
        public IntPtr Msg; public IntPtr State; public IntPtr ZAlloc; public IntPtr ZFree; public IntPtr Opaque;
        public int DataType; public nuint Adler; public nuint Reserved;
    }

    private const string Lib = "libz.so.1";
    private const int ZOk = 0, ZBufError = -5, ZSyncFlush = 2, ZDeflated = 8, ZDefaultStrategy = 0;

    [DllImport(Lib, EntryPoint = "deflateInit2_")] private static extern int DeflateInit2(ZStream* s, int level, int method, int windowBits, int memLevel, int strategy, byte* version, int size);
    [DllImport(Lib, EntryPoint = "deflate")] private static extern int Deflate(ZStream* s, int flush);
    [DllImport(Lib, EntryPoint = "deflateReset")] private static extern int DeflateReset(ZStream* s);
    [DllImport(Lib, EntryPoint = "deflateEnd")] private static extern int DeflateEnd(ZStream* s);

    // zlib keeps a pointer back to its stream structure, so the structure lives in native memory that never moves.
    private ZStream* _stream;

    /// <param name="windowBits">9..15 (zlib cannot make raw deflate with an 8-bit window; 8 is raised to 9).</param>
    public ZlibDeflater(int windowBits, int level)
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        var version = "1.2.11\0"u8;
        int rc;
        fixed (byte* v = version) rc = DeflateInit2(_stream, level, ZDeflated, -Math.Clamp(windowBits, 9, 15), 8, ZDefaultStrategy, v, sizeof(ZStream));
        if (rc != ZOk)
        {
            NativeMemory.Free(_stream);
            _stream = null;
            throw new InvalidOperationException($"zlib deflateInit2 failed ({rc})");
        }
    }

    /// <summary>Compresses <paramref name="input"/> and sync-flushes, appending the output (ending in 00 00 FF FF) to <paramref name="output"/>.</summary>
    public void CompressAndFlush(ReadOnlySpan<byte> input, List<byte> output)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        Span<byte> chunk = stackalloc byte[16 * 1024];
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = chunk)
        {
            _stream->NextIn = inPtr;
            _stream->AvailIn = (uint)input.Length;
            do
            {
                _stream->NextOut = outPtr;
                _stream->AvailOut = (uint)chunk.Length;
                int rc = Deflate(_stream, ZSyncFlush);
                if (rc != ZOk && rc != ZBufError) throw new InvalidOperationException($"zlib deflate failed ({rc})");
                output.AddRange(chunk[..(chunk.Length - (int)_stream->AvailOut)]);
            } while (_stream->AvailOut == 0);
            _stream->NextIn = null;
            _stream->NextOut = null;
        }
    }

    /// <summary>Forgets the sliding window (no context takeover).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        DeflateReset(_stream);
    }

    public void Dispose()
    {
        if (_stream is null) return;
        DeflateEnd(_stream);
        NativeMemory.Free(_stream);
        _stream = null;
    }
}
