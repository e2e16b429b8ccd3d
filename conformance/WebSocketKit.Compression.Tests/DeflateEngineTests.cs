using System.Reflection;
using System.Runtime.InteropServices;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>
/// Which compressor the deflater runs on: the system zlib through its documented ABI by default, checked at first use,
/// and the managed deflater whenever zlib is missing, refused, switched off or fails its check; both compress correctly.
/// </summary>
public class DeflateEngineTests
{
    private static readonly string[] Missing = ["libz-websocketkit-not-there.so.9"];

    private static DeflateEngineSelector Selector(string engine) => new(engine, ZlibNative.SystemLibraryNames);

    [Fact]
    public void The_defaults_are_documented_APIs_DeflateStream_at_window_15_and_the_system_zlib_below()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests expect the Linux of make test, which has libz.so.1");
        using var atFifteen = new MessageDeflater(15);
        Assert.Equal(DeflateEngineKind.DeflateStream, atFifteen.Engine);
        using var narrower = new MessageDeflater(12);
        Assert.Equal(DeflateEngineKind.SystemZlib, narrower.Engine);
        using var otherMemoryLevel = new MessageDeflater(15, memoryLevel: 4);
        Assert.Equal(DeflateEngineKind.SystemZlib, otherMemoryLevel.Engine);
        Assert.Equal($"DeflateStream at window 15, system zlib {ZlibNative.TryLoad(ZlibNative.SystemLibraryNames, out _)!.Version} (libz.so.1) below", MessageDeflater.EngineStatus);
    }

    [Fact]
    public void No_platform_invoke_reaches_the_runtime_s_private_compression_exports()
    {
        var imports = typeof(MessageDeflater).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Import: m.GetCustomAttribute<DllImportAttribute>()))
            .Where(p => p.Import is not null)
            .Select(p => $"{p.Method.DeclaringType!.Name}.{p.Method.Name} -> {p.Import!.Value}")
            .ToList();
        Assert.DoesNotContain(imports, i => i.Contains("System.IO.Compression.Native", StringComparison.OrdinalIgnoreCase));
    }

    public static TheoryData<string, int, bool> Engines()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var engine in new[] { "zlib", "deflatestream", "managed" })
            for (int bits = 8; bits <= 15; bits++)
            {
                data.Add(engine, bits, true);
                data.Add(engine, bits, false);
            }
        return data;
    }

    /// <summary>
    /// Every window, takeover mode and level (changing per message) through each compressor: our inflater, limited to the
    /// negotiated window, gets every message back; at window 15 System.IO.Compression reads the payloads too.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines))]
    public void Each_engine_round_trips_every_window_takeover_and_level(string engine, int windowBits, bool takeover)
    {
        using var d = new MessageDeflater(Selector(engine), windowBits, takeover);
        var expected = engine != "managed" && windowBits == 15 ? DeflateEngineKind.DeflateStream
            : engine == "zlib" && windowBits >= 9 ? DeflateEngineKind.SystemZlib
            : DeflateEngineKind.Managed;
        Assert.Equal(expected, d.Engine);
        AssertRoundTrips(d);
    }

    [Theory]
    [InlineData(15, true, "DeflateStream")]
    [InlineData(15, false, "DeflateStream")]
    [InlineData(12, true, "Managed")]
    [InlineData(9, false, "Managed")]
    public void A_zlib_library_that_is_not_there_leaves_the_fallbacks_which_still_compress(int windowBits, bool takeover, string expected)
    {
        var selector = new DeflateEngineSelector(null, Missing);
        using var d = new MessageDeflater(selector, windowBits, takeover);
        Assert.Equal(expected, d.Engine.ToString());
        Assert.Equal($"DeflateStream at window 15, managed below ({Missing[0]} not found)", selector.Status);
        AssertRoundTrips(d);
    }

    [Theory]
    [InlineData("zlib")]
    [InlineData("deflatestream")]
    [InlineData("managed")]
    public void Each_engine_streams_into_small_output_spans_sharing_the_window(string engine)
    {
        using var d = new MessageDeflater(Selector(engine), 15, contextTakeover: true);
        var inflater = new Inflater();
        var message = TestData.Text(3000);
        // Output spans of 16..40 bytes end the flush at every offset; input comes in pieces of 700.
        for (int outChunk = 16; outChunk <= 40; outChunk++)
        {
            var payload = StreamingDeflaterTests.CompressInPieces(d, message, 700, outChunk);
            Assert.False(payload.AsSpan().EndsWith(PerMessageDeflate.Tail), $"output chunk {outChunk}");
            Assert.Equal(message, InflateOk(inflater, payload));
            Assert.Empty(InflateOk(inflater, StreamingDeflaterTests.CompressInPieces(d, [], 1, outChunk)));
        }
    }

    [Fact]
    public void A_zlib_that_refuses_our_declared_z_stream_leaves_the_managed_deflater()
    {
        // Declaring a zlib 2 header: zlib compares the major version and the record size and answers Z_VERSION_ERROR.
        var selector = new DeflateEngineSelector(null, ZlibNative.SystemLibraryNames, headerVersion: "2.0.0");
        using var d = new MessageDeflater(selector, 12, contextTakeover: false);
        Assert.Equal(DeflateEngineKind.Managed, d.Engine);
        Assert.Contains($"refused our z_stream (deflateInit2_ rc {ZlibNative.Z_VERSION_ERROR})", selector.Status);
        AssertRoundTrips(d);
    }

    [Theory]
    [InlineData("managed", "Managed", "managed (WEBSOCKETKIT_DEFLATE_ENGINE=managed)")]
    [InlineData(" Managed ", "Managed", "managed (WEBSOCKETKIT_DEFLATE_ENGINE=managed)")]
    [InlineData("fast", "Managed", "managed (WEBSOCKETKIT_DEFLATE_ENGINE=fast is none of zlib, deflatestream, managed: ours only)")]
    [InlineData("deflatestream", "DeflateStream", "DeflateStream at window 15, managed below (WEBSOCKETKIT_DEFLATE_ENGINE=deflatestream)")]
    public void The_environment_switch_can_keep_zlib_out(string request, string expected, string status)
    {
        var selector = new DeflateEngineSelector(request, ZlibNative.SystemLibraryNames);
        using var d = new MessageDeflater(selector, 15);
        Assert.Equal(expected, d.Engine.ToString());
        Assert.Equal(status, selector.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("zlib")]
    [InlineData("ZLIB")]
    public void The_environment_switch_defaults_to_zlib(string? request)
    {
        var selector = new DeflateEngineSelector(request, ZlibNative.SystemLibraryNames);
        Assert.Contains("system zlib 1.", selector.Status);
    }

    [Fact]
    public void The_system_zlib_passes_the_known_answer_check_for_every_window_and_memory_level()
    {
        var zlib = ZlibNative.TryLoad(ZlibNative.SystemLibraryNames, out string failure);
        Assert.True(zlib is not null, failure);
        for (int bits = 9; bits <= 15; bits++)
            for (int memLevel = 1; memLevel <= 9; memLevel++)
            {
                using var engine = new ZlibDeflateStream(zlib, 6, bits, memLevel);
                Assert.Null(DeflateEngineCheck.Run(engine, bits));
            }
    }

    [Fact]
    public void DeflateStream_passes_the_known_answer_check()
    {
        using var engine = new DeflateStreamEngine();
        Assert.Null(DeflateEngineCheck.Run(engine, 15));
    }

    [Fact]
    public void An_engine_that_refers_beyond_the_negotiated_window_fails_the_known_answer_check()
    {
        // Our deflater with a 32 KiB window, checked as if 512 bytes had been negotiated: its far matches are caught.
        using var wide = new FixedHuffmanDeflater(15);
        Assert.StartsWith("window bits 9, level 6: our inflater stopped with InvalidData", DeflateEngineCheck.Run(wide, 9));
        using var honest = new FixedHuffmanDeflater(9);
        Assert.Null(DeflateEngineCheck.Run(honest, 9));
    }

    private static void AssertRoundTrips(MessageDeflater d)
    {
        byte[][] samples = [TestData.Text(20_000), TestData.Json(5000), TestData.Random(3000), [], "Hello"u8.ToArray(), TestData.Text(20_000, 9)];
        var inflater = new Inflater(d.WindowBits, d.ContextTakeover);
        var stream = new MemoryStream(); // every payload with its tail: one DEFLATE stream under takeover
        var sent = new MemoryStream();
        for (int level = 0; level <= 9; level++)
        {
            d.Level = level;
            foreach (var m in samples)
            {
                var buf = new byte[MessageDeflater.GetMaxCompressedLength(m.Length)];
                var payload = buf[..d.Compress(m, buf)];
                Assert.Equal(m, InflateOk(inflater, payload));
                if (d.WindowBits == 15 && !d.ContextTakeover) Assert.Equal(m, ZlibInflate(payload));
                stream.Write(payload);
                stream.Write(PerMessageDeflate.Tail);
                sent.Write(m);
            }
        }
        if (d.WindowBits == 15 && d.ContextTakeover) Assert.Equal(sent.ToArray(), ZlibInflate(stream.ToArray()[..^4]));
    }
}
