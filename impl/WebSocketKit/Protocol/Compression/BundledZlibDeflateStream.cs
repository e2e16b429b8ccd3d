using System.Runtime.InteropServices;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// One permessage-deflate compression context on the zlib (zlib-ng) that ships inside .NET
/// (libSystem.IO.Compression.Native, the library DeflateStream and System.Net.WebSockets use).
/// It is much faster than the distribution's libz, but its shim exports no deflateReset or
/// deflateParams, so forgetting the window and changing the level both end the stream and start a
/// new one. Starting afresh is always valid under context takeover too: a new stream refers back
/// only into itself, and the peer's window holds those bytes as well. After a reset the native
/// state is freed until the next message, so an idle context holds no zlib memory.
/// </summary>
internal sealed unsafe partial class BundledZlibDeflateStream : IDeflateEngine
{
    private const string Library = "libSystem.IO.Compression.Native";
    private const int Z_OK = ZlibNative.Z_OK, Z_SYNC_FLUSH = ZlibNative.Z_SYNC_FLUSH, Z_DEFLATED = ZlibNative.Z_DEFLATED, Z_DEFAULT_STRATEGY = ZlibNative.Z_DEFAULT_STRATEGY;

    /// <summary>The shim's stream record: the zlib stream itself stays inside the shim.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PalZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public nint Msg;
        public nint InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    private static partial int DeflateInit2(PalZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Deflate")]
    private static partial int Deflate(PalZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    private static partial int DeflateEnd(PalZStream* stream);

    private static readonly Lazy<bool> Probe = new(() =>
    {
        try
        {
            var s = new PalZStream();
            if (DeflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
            DeflateEnd(&s);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    /// <summary>Whether the runtime's compression library is there to be used.</summary>
    public static bool IsAvailable => Probe.Value;

    private readonly int _windowBits, _memLevel;
    private readonly StreamHandle _handle = new();
    private int _level;

    public BundledZlibDeflateStream(int level, int windowBits, int memLevel)
    {
        _windowBits = windowBits;
        _memLevel = memLevel;
        _level = level;
    }

    public int Compress(ReadOnlySpan<byte> message, Span<byte> output, int level)
    {
        bool added = false;
        // Held across the call: a Dispose from another thread (a connection aborted mid-write) frees the stream after us.
        _handle.DangerousAddRef(ref added);
        try
        {
            var s = _handle.Stream;
            if (s->InternalState != 0 && level != _level) End(s);
            _level = level;
            if (s->InternalState == 0) Open(s);
            fixed (byte* input = message)
            fixed (byte* outPtr = output)
            {
                s->NextIn = input;
                s->AvailIn = (uint)message.Length;
                s->NextOut = outPtr;
                s->AvailOut = (uint)output.Length;
                int rc = Deflate(s, Z_SYNC_FLUSH);
                int produced = (int)(s->NextOut - outPtr);
                uint leftIn = s->AvailIn, leftOut = s->AvailOut;
                s->NextIn = null;
                s->NextOut = null;
                return ZlibNative.EndOfMessage(rc, produced, leftIn, leftOut, message.IsEmpty, output);
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
            if (_handle.Stream->InternalState != 0) End(_handle.Stream);
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();

    private void Open(PalZStream* s)
    {
        int rc = DeflateInit2(s, _level, Z_DEFLATED, -_windowBits, _memLevel, Z_DEFAULT_STRATEGY);
        if (rc != Z_OK) throw new ArgumentException($"zlib deflateInit2 refused level {_level}, window bits {_windowBits}, memory level {_memLevel} (rc {rc})");
    }

    private static void End(PalZStream* s)
    {
        DeflateEnd(s);
        *s = default;
    }

    /// <summary>Owns the shim's stream record: ends the stream, if open, and frees the record exactly once.</summary>
    private sealed class StreamHandle : SafeHandle
    {
        public StreamHandle() : base(nint.Zero, ownsHandle: true) => SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(PalZStream)));

        public override bool IsInvalid => handle == nint.Zero;

        public PalZStream* Stream => (PalZStream*)handle;

        protected override bool ReleaseHandle()
        {
            if (Stream->InternalState != 0) DeflateEnd(Stream);
            NativeMemory.Free((void*)handle);
            return true;
        }
    }
}
