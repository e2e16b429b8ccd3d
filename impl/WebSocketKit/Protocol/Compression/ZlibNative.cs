using System.Runtime.InteropServices;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// The machine's zlib (libz.so.1), used for compressing because System.IO.Compression cannot set the window
/// size. All interop lives here: a native z_stream owned by <see cref="ZlibDeflateStream"/>, a SafeHandle
/// that ends and frees it exactly once.
/// </summary>
internal static unsafe partial class ZlibNative
{
    private const string Library = "libz.so.1";
    public const int Z_OK = 0, Z_STREAM_END = 1, Z_BUF_ERROR = -5, Z_SYNC_FLUSH = 2, Z_DEFLATED = 8, Z_DEFAULT_STRATEGY = 0;

    /// <summary>zlib's z_stream on LP64 platforms (uLong is 64 bits); zlib keeps a pointer to it, so it lives in native memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc, ZFree, Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    private static partial byte* ZlibVersion();

    [LibraryImport(Library, EntryPoint = "deflateInit2_")]
    private static partial int DeflateInit2(ZStream* strm, int level, int method, int windowBits, int memLevel, int strategy, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflate")]
    public static partial int Deflate(ZStream* strm, int flush);

    [LibraryImport(Library, EntryPoint = "deflateReset")]
    public static partial int DeflateReset(ZStream* strm);

    [LibraryImport(Library, EntryPoint = "deflateParams")]
    public static partial int DeflateParams(ZStream* strm, int level, int strategy);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(ZStream* strm);

    private static readonly Lazy<string?> LoadedVersion = new(() =>
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return null;
            return Marshal.PtrToStringAnsi((nint)ZlibVersion());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    });

    /// <summary>zlib's version string, or null when no usable zlib 1.x is loaded (then we compress in managed code).</summary>
    public static string? Version => LoadedVersion.Value is { } v && v.StartsWith("1.", StringComparison.Ordinal) ? v : null;

    /// <summary>
    /// Checks what one Z_SYNC_FLUSH deflate call left (return code, bytes produced, input and output
    /// left over) and returns the message's payload length with the 00 00 FF FF tail taken off. Shared
    /// by both zlib engines: their results mean the same.
    /// </summary>
    public static int EndOfMessage(int rc, int produced, uint leftIn, uint leftOut, bool emptyMessage, Span<byte> output)
    {
        if (rc == Z_BUF_ERROR && produced == 0 && emptyMessage)
        {
            // Nothing to flush: an empty message is a stored block header whose LEN/NLEN is the tail.
            output[0] = 0;
            return 1;
        }
        if (rc != Z_OK || leftOut == 0 || leftIn != 0)
            throw new ArgumentException($"zlib deflate did not finish the message (rc {rc}); the output span is smaller than GetMaxCompressedLength", nameof(output));
        if (produced < 4 || !output.Slice(produced - 4, 4).SequenceEqual(PerMessageDeflate.Tail))
            throw new InvalidOperationException("zlib sync flush did not end with 00 00 FF FF");
        return produced - 4;
    }

    /// <summary>A raw-deflate stream (negative windowBits: no zlib header or checksum).</summary>
    public static ZStreamHandle CreateRawDeflater(int level, int windowBits, int memLevel)
    {
        string version = Version ?? throw new PlatformNotSupportedException("zlib 1.x (libz.so.1) is not available");
        var stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        byte* v = (byte*)Marshal.StringToHGlobalAnsi(version);
        int rc;
        try
        {
            rc = DeflateInit2(stream, level, Z_DEFLATED, -windowBits, memLevel, Z_DEFAULT_STRATEGY, v, sizeof(ZStream));
        }
        finally
        {
            Marshal.FreeHGlobal((nint)v);
        }
        if (rc != Z_OK)
        {
            NativeMemory.Free(stream);
            throw new ArgumentException($"zlib deflateInit2 refused level {level}, window bits {windowBits}, memory level {memLevel} (rc {rc})");
        }
        return new ZStreamHandle(stream);
    }

    /// <summary>Owns one initialised z_stream: deflateEnd and free on release.</summary>
    public sealed class ZStreamHandle : SafeHandle
    {
        public ZStreamHandle(ZStream* stream) : base(nint.Zero, ownsHandle: true) => SetHandle((nint)stream);

        public override bool IsInvalid => handle == nint.Zero;

        public ZStream* Stream => (ZStream*)handle;

        protected override bool ReleaseHandle()
        {
            DeflateEnd((ZStream*)handle);
            NativeMemory.Free((void*)handle);
            return true;
        }
    }
}
