namespace WebSocketKit.Protocol.Compression;

/// <summary>The compressor a <see cref="MessageDeflater"/> runs on.</summary>
internal enum DeflateEngineKind
{
    /// <summary>The machine's zlib through its documented ABI (<see cref="ZlibDeflateStream"/>), for window bits 9..15.</summary>
    SystemZlib,

    /// <summary>Our <see cref="FixedHuffmanDeflater"/>: always there, honours every window 8..15.</summary>
    Managed,
}

/// <summary>
/// Picks the compressor for each new deflater. In order: window bits 8, which zlib cannot produce, and deflaters
/// that asked not to use zlib get the managed one; otherwise the system zlib when it loaded (zlib 1.x with all the
/// entry points, accepting our <c>z_stream</c>) and passed <see cref="DeflateEngineCheck"/> for this window and memory
/// level (run once per pair, on first use); otherwise the managed one. The first failure of a load or check is kept
/// as <see cref="Status"/> and the system zlib is not used again by this selector, so the fallback happens once and
/// stays. The environment variable WEBSOCKETKIT_DEFLATE_ENGINE, read once, can say <c>managed</c> (never load zlib)
/// or <c>zlib</c> (the default). Nothing is logged here: <see cref="MessageDeflater.EngineStatus"/> carries the
/// outcome for an application's logs.
/// </summary>
/// <remarks>
/// The runtime's private System.IO.Compression.Native exports (CompressionNative_*) are no longer used at all: their
/// record layout is an internal detail of .NET that a servicing update may change, and a changed layout corrupts
/// native memory in the first call, before any check of the output could notice. zlib guards its own record instead.
/// </remarks>
internal sealed class DeflateEngineSelector
{
    public const string EnvironmentVariable = "WEBSOCKETKIT_DEFLATE_ENGINE";

    private const int MinZlibWindowBits = 9, MemLevels = 9;

    private static readonly Lazy<DeflateEngineSelector> LazyDefault =
        new(() => new DeflateEngineSelector(Environment.GetEnvironmentVariable(EnvironmentVariable), ZlibNative.SystemLibraryNames));

    private readonly Lazy<ZlibNative?> _zlib;
    private readonly Lazy<string?>[] _checks;
    private string? _zlibFailure;

    /// <param name="request"><c>managed</c>, <c>zlib</c> or nothing (the default, zlib when it passes its checks).</param>
    /// <param name="libraryNames">The names to load the system zlib under, first found wins.</param>
    /// <param name="headerVersion">The zlib.h version our <c>z_stream</c> declaration stands for.</param>
    public DeflateEngineSelector(string? request, IReadOnlyList<string> libraryNames, string headerVersion = ZlibNative.HeaderVersion)
    {
        string? refusal = request?.Trim().ToLowerInvariant() switch
        {
            null or "" or "zlib" => null,
            "managed" => $"{EnvironmentVariable}=managed",
            _ => $"{EnvironmentVariable}={request} is neither zlib nor managed",
        };
        _zlibFailure = refusal;
        _zlib = new(() =>
        {
            if (refusal is not null) return null;
            var zlib = ZlibNative.TryLoad(libraryNames, out string failure, headerVersion);
            if (zlib is null) Fail(failure);
            return zlib;
        });
        _checks = new Lazy<string?>[(DeflateConstants.MaxWindowBits - MinZlibWindowBits + 1) * MemLevels];
        for (int i = 0; i < _checks.Length; i++)
        {
            int windowBits = MinZlibWindowBits + i / MemLevels, memLevel = 1 + i % MemLevels;
            _checks[i] = new(() => Check(_zlib.Value!, windowBits, memLevel));
        }
    }

    /// <summary>The selector of this process, configured from the environment.</summary>
    public static DeflateEngineSelector Default => LazyDefault.Value;

    /// <summary>Which compressor new deflaters get for window 15 and memory level 8, and why when it is not zlib.</summary>
    public string Status => ZlibFor(DeflateConstants.MaxWindowBits, 8) is { } zlib
        ? $"system zlib {zlib.Version} ({zlib.Name})"
        : $"managed ({_zlibFailure})";

    /// <summary>A new compression context for these parameters, and which compressor it runs on.</summary>
    public IDeflateEngine Create(int windowBits, int level, int memLevel, bool preferZlib, out DeflateEngineKind kind)
    {
        if (preferZlib && windowBits >= MinZlibWindowBits && ZlibFor(windowBits, memLevel) is { } zlib)
        {
            kind = DeflateEngineKind.SystemZlib;
            return new ZlibDeflateStream(zlib, level, windowBits, memLevel);
        }
        kind = DeflateEngineKind.Managed;
        return new FixedHuffmanDeflater(windowBits);
    }

    /// <summary>The system zlib when it loaded and passed the check for these parameters, and nothing has failed since.</summary>
    private ZlibNative? ZlibFor(int windowBits, int memLevel)
    {
        if (Volatile.Read(ref _zlibFailure) is not null || _zlib.Value is not { } zlib) return null;
        if (_checks[(windowBits - MinZlibWindowBits) * MemLevels + memLevel - 1].Value is { } wrong) Fail(wrong);
        return Volatile.Read(ref _zlibFailure) is null ? zlib : null;
    }

    private static string? Check(ZlibNative zlib, int windowBits, int memLevel)
    {
        string? wrong;
        try
        {
            using var engine = new ZlibDeflateStream(zlib, 6, windowBits, memLevel);
            wrong = DeflateEngineCheck.Run(engine, windowBits);
        }
        catch (ArgumentException e)
        {
            wrong = e.Message;
        }
        return wrong is null ? null : $"{zlib.Name} (zlib {zlib.Version}) failed the known-answer check at memory level {memLevel}: {wrong}";
    }

    private void Fail(string reason) => Interlocked.CompareExchange(ref _zlibFailure, reason, null);
}
