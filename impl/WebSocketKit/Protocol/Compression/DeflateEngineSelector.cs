namespace WebSocketKit.Protocol.Compression;

/// <summary>The compressor a <see cref="MessageDeflater"/> runs on.</summary>
internal enum DeflateEngineKind
{
    /// <summary>The machine's zlib through its documented ABI (<see cref="ZlibDeflateStream"/>), for window bits 9..15.</summary>
    SystemZlib,

    /// <summary>System.IO.Compression's public DeflateStream (<see cref="DeflateStreamEngine"/>), for window bits 15.</summary>
    DeflateStream,

    /// <summary>Our <see cref="FixedHuffmanDeflater"/>: always there, honours every window 8..15.</summary>
    Managed,
}

/// <summary>
/// Picks the compressor for each new deflater, in this order. Window bits 8, which zlib cannot produce, and deflaters
/// that asked not to use zlib get the managed one. At window 15 and memory level 8 (the defaults, and what most peers
/// negotiate), System.IO.Compression's public DeflateStream once it passed <see cref="DeflateEngineCheck"/>: the
/// runtime's zlib-ng behind a documented API, 1.3 to 3 times as fast as a distribution's zlib 1.2 at levels 1 to 6.
/// Otherwise the system zlib, when it loaded (zlib 1.x with all the entry points, accepting our <c>z_stream</c>) and
/// passed the same check for this window and memory level (run once per pair, on first use). Otherwise, at window 15,
/// DeflateStream whatever the memory level. Otherwise the managed one. The first failure of a load or check is kept (see
/// <see cref="Status"/>) and that compressor is not used again by this selector: the fallback happens once and stays.
/// The environment variable WEBSOCKETKIT_DEFLATE_ENGINE, read once, narrows the choice: <c>zlib</c> (the default, all
/// three), <c>deflatestream</c> (no system zlib) or <c>managed</c> (ours only). Nothing is logged here:
/// <see cref="MessageDeflater.EngineStatus"/> carries the outcome for an application's logs.
/// </summary>
/// <remarks>
/// The system zlib is the only documented way to every window size 9..15 and zlib's own memory levels; DeflateStream
/// is faster at window 15 (zlib-ng) but has no memory level (it runs at 8) and restarts its stream on a level change. The runtime's private System.IO.Compression.Native exports (CompressionNative_*) are no longer used at
/// all: their record layout is an internal detail of .NET that a servicing update may change, and a changed layout
/// corrupts native memory in the first call, before any check of the output could notice. zlib guards its own record.
/// </remarks>
internal sealed class DeflateEngineSelector
{
    public const string EnvironmentVariable = "WEBSOCKETKIT_DEFLATE_ENGINE";

    private const int MinZlibWindowBits = 9, MemLevels = 9;
    // The memory level DeflateStream always runs at (zlib's default).
    private const int DeflateStreamMemLevel = 8;

    private static readonly Lazy<DeflateEngineSelector> LazyDefault =
        new(() => new DeflateEngineSelector(Environment.GetEnvironmentVariable(EnvironmentVariable), ZlibNative.SystemLibraryNames));

    private readonly Lazy<ZlibNative?> _zlib;
    private readonly Lazy<string?>[] _checks;
    private string? _zlibFailure;
    private readonly Lazy<string?> _streamCheck = new(() =>
    {
        using var engine = new DeflateStreamEngine();
        return DeflateEngineCheck.Run(engine, DeflateConstants.MaxWindowBits) is { } wrong ? $"DeflateStream failed the known-answer check: {wrong}" : null;
    });
    private string? _streamFailure;

    /// <param name="request"><c>zlib</c> or nothing (the default: every compressor in order), <c>deflatestream</c> (no system
    /// zlib) or <c>managed</c> (ours only).</param>
    /// <param name="libraryNames">The names to load the system zlib under, first found wins.</param>
    /// <param name="headerVersion">The zlib.h version our <c>z_stream</c> declaration stands for.</param>
    public DeflateEngineSelector(string? request, IReadOnlyList<string> libraryNames, string headerVersion = ZlibNative.HeaderVersion)
    {
        string value = request?.Trim().ToLowerInvariant() ?? "";
        string said = value is "" or "zlib" or "deflatestream" or "managed" ? $"{EnvironmentVariable}={value}"
            : $"{EnvironmentVariable}={request} is none of zlib, deflatestream, managed: ours only";
        string? refusal = value is "" or "zlib" ? null : said;
        _streamFailure = value is "" or "zlib" or "deflatestream" ? null : said;
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
    public string Status => (StreamTrusted(), ZlibFor(DeflateConstants.MaxWindowBits, 8)) switch
    {
        (true, { } zlib) => $"DeflateStream at window 15, system zlib {zlib.Version} ({zlib.Name}) below",
        (false, { } zlib) => $"system zlib {zlib.Version} ({zlib.Name}) ({_streamFailure})",
        (true, null) => $"DeflateStream at window 15, managed below ({_zlibFailure})",
        _ => $"managed ({string.Join("; ", new[] { _zlibFailure, _streamFailure }.Distinct())})",
    };

    /// <summary>A new compression context for these parameters, and which compressor it runs on.</summary>
    public IDeflateEngine Create(int windowBits, int level, int memLevel, bool preferZlib, out DeflateEngineKind kind)
    {
        if (preferZlib && windowBits == DeflateConstants.MaxWindowBits && memLevel == DeflateStreamMemLevel && StreamTrusted())
        {
            kind = DeflateEngineKind.DeflateStream;
            return new DeflateStreamEngine();
        }
        if (preferZlib && windowBits >= MinZlibWindowBits && ZlibFor(windowBits, memLevel) is { } zlib)
        {
            kind = DeflateEngineKind.SystemZlib;
            return new ZlibDeflateStream(zlib, level, windowBits, memLevel);
        }
        if (preferZlib && windowBits == DeflateConstants.MaxWindowBits && StreamTrusted())
        {
            kind = DeflateEngineKind.DeflateStream;
            return new DeflateStreamEngine();
        }
        kind = DeflateEngineKind.Managed;
        return new FixedHuffmanDeflater(windowBits);
    }

    private bool StreamTrusted() => Passes(ref _streamFailure, _streamCheck);

    /// <summary>The system zlib when it loaded and passed the check for these parameters, and nothing has failed since.</summary>
    private ZlibNative? ZlibFor(int windowBits, int memLevel)
    {
        if (Volatile.Read(ref _zlibFailure) is not null || _zlib.Value is not { } zlib) return null;
        return Passes(ref _zlibFailure, _checks[(windowBits - MinZlibWindowBits) * MemLevels + memLevel - 1]) ? zlib : null;
    }

    /// <summary>Whether nothing has failed yet and <paramref name="check"/> passes; its failure, the first one, is kept.</summary>
    private static bool Passes(ref string? failure, Lazy<string?> check)
    {
        if (Volatile.Read(ref failure) is not null) return false;
        if (check.Value is { } wrong) Interlocked.CompareExchange(ref failure, wrong, null);
        return Volatile.Read(ref failure) is null;
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
