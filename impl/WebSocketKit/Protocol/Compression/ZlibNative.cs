using System.Runtime.InteropServices;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// The machine's zlib, reached only through zlib's documented public ABI: the <c>z_stream</c> record of zlib.h
/// and the exported <c>zlibVersion</c>, <c>deflateInit2_</c>, <c>deflate</c>, <c>deflateParams</c>,
/// <c>deflateReset</c> and <c>deflateEnd</c>, unchanged through every zlib 1.x (and zlib-ng's compatible build).
/// We need it because System.IO.Compression's public API cannot choose the window size permessage-deflate
/// negotiates. The library is found with <see cref="NativeLibrary.TryLoad(string, out nint)"/> under its
/// versioned system name and kept loaded for the life of the process.
/// </summary>
/// <remarks>
/// The layout guard is zlib's own: like the <c>deflateInit2</c> macro of zlib.h we pass the version of the header
/// our declaration follows and <c>sizeof(z_stream)</c> as we declare it, and zlib answers Z_VERSION_ERROR when either
/// disagrees with the library, before it writes into the record. <c>uLong</c> is C's <c>unsigned long</c>, declared
/// as <see cref="CULong"/> so the record is right on both LP64 and LLP64 platforms.
/// </remarks>
internal sealed unsafe class ZlibNative
{
    public const int Z_OK = 0, Z_BUF_ERROR = -5, Z_VERSION_ERROR = -6;
    public const int Z_NO_FLUSH = 0, Z_SYNC_FLUSH = 2, Z_DEFLATED = 8, Z_DEFAULT_STRATEGY = 0;

    /// <summary>The zlib.h our <see cref="ZStream"/> follows: zlib compares only the major version (the ABI).</summary>
    public const string HeaderVersion = "1.2.13";

    /// <summary>The names the system zlib has here: none on Windows, which has no system zlib.</summary>
    public static IReadOnlyList<string> SystemLibraryNames { get; } =
        OperatingSystem.IsWindows() ? []
        : OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() ? ["libz.1.dylib", "libz.dylib"]
        : ["libz.so.1"];

    /// <summary>zlib.h's <c>z_stream</c>; zlib keeps a pointer to it, so it lives in native memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public byte* Msg;
        public nint State;
        public nint ZAlloc, ZFree, Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }

    private readonly delegate* unmanaged<ZStream*, int, int, int, int, int, byte*, int, int> _deflateInit2;
    private readonly delegate* unmanaged<ZStream*, int, int> _deflate;
    private readonly delegate* unmanaged<ZStream*, int, int, int> _deflateParams;
    private readonly delegate* unmanaged<ZStream*, int> _deflateReset, _deflateEnd;
    private readonly byte[] _headerVersion;

    private ZlibNative(nint library, string name, string version, string headerVersion)
    {
        _deflateInit2 = (delegate* unmanaged<ZStream*, int, int, int, int, int, byte*, int, int>)NativeLibrary.GetExport(library, "deflateInit2_");
        _deflate = (delegate* unmanaged<ZStream*, int, int>)NativeLibrary.GetExport(library, "deflate");
        _deflateParams = (delegate* unmanaged<ZStream*, int, int, int>)NativeLibrary.GetExport(library, "deflateParams");
        _deflateReset = (delegate* unmanaged<ZStream*, int>)NativeLibrary.GetExport(library, "deflateReset");
        _deflateEnd = (delegate* unmanaged<ZStream*, int>)NativeLibrary.GetExport(library, "deflateEnd");
        _headerVersion = [.. System.Text.Encoding.ASCII.GetBytes(headerVersion), 0];
        Name = name;
        Version = version;
    }

    /// <summary>The name the library was loaded under.</summary>
    public string Name { get; }

    /// <summary>What the library's <c>zlibVersion()</c> says.</summary>
    public string Version { get; }

    /// <summary>
    /// Loads the first of <paramref name="names"/> that is a zlib 1.x with every entry point we call and that accepts
    /// our <c>z_stream</c> (a trial deflateInit2_ with <paramref name="headerVersion"/>); otherwise null and why not.
    /// </summary>
    public static ZlibNative? TryLoad(IReadOnlyList<string> names, out string failure, string headerVersion = HeaderVersion)
    {
        failure = names.Count == 0 ? "no system zlib on this platform" : "";
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint library))
            {
                failure = $"{name} not found";
                continue;
            }
            if (!NativeLibrary.TryGetExport(library, "zlibVersion", out nint versionExport)
                || !HasExports(library, "deflateInit2_", "deflate", "deflateParams", "deflateReset", "deflateEnd"))
            {
                failure = $"{name} lacks zlib's deflate entry points";
                continue;
            }
            // The major version is zlib's ABI version: 1.x all share the z_stream we declare.
            string version = Marshal.PtrToStringAnsi((nint)((delegate* unmanaged<byte*>)versionExport)()) ?? "";
            if (!version.StartsWith("1.", StringComparison.Ordinal))
            {
                failure = $"{name} is zlib {version}, not 1.x";
                continue;
            }
            var zlib = new ZlibNative(library, name, version, headerVersion);
            int rc = zlib.TryCreateRawDeflater(6, 15, 8, out var trial);
            trial?.Dispose();
            if (rc != Z_OK)
            {
                failure = $"{name} (zlib {version}) refused our z_stream (deflateInit2_ rc {rc})";
                continue;
            }
            return zlib;
        }
        return null;
    }

    private static bool HasExports(nint library, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
            if (!NativeLibrary.TryGetExport(library, name, out _)) return false;
        return true;
    }

    /// <summary>Starts a raw-deflate stream (negative windowBits: no zlib header or checksum); zlib's return code.</summary>
    public int TryCreateRawDeflater(int level, int windowBits, int memLevel, out ZStreamHandle? handle)
    {
        var stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        int rc;
        fixed (byte* version = _headerVersion)
            rc = _deflateInit2(stream, level, Z_DEFLATED, -windowBits, memLevel, Z_DEFAULT_STRATEGY, version, sizeof(ZStream));
        if (rc != Z_OK)
        {
            NativeMemory.Free(stream);
            handle = null;
            return rc;
        }
        handle = new ZStreamHandle(this, stream);
        return rc;
    }

    public int Deflate(ZStream* stream, int flush) => _deflate(stream, flush);

    public int DeflateParams(ZStream* stream, int level) => _deflateParams(stream, level, Z_DEFAULT_STRATEGY);

    public int DeflateReset(ZStream* stream) => _deflateReset(stream);

    /// <summary>Owns one initialised z_stream: deflateEnd and free on release.</summary>
    public sealed class ZStreamHandle : SafeHandle
    {
        private readonly ZlibNative _zlib;

        public ZStreamHandle(ZlibNative zlib, ZStream* stream) : base(nint.Zero, ownsHandle: true)
        {
            _zlib = zlib;
            SetHandle((nint)stream);
        }

        public override bool IsInvalid => handle == nint.Zero;

        public ZStream* Stream => (ZStream*)handle;

        protected override bool ReleaseHandle()
        {
            _zlib._deflateEnd((ZStream*)handle);
            NativeMemory.Free((void*)handle);
            return true;
        }
    }
}
