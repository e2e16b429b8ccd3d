using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>Our inflater reads what zlib (System.IO.Compression) writes, in any chunking.</summary>
public class InflaterDifferentialTests
{
    public static TheoryData<string, CompressionLevel> Inputs()
    {
        var d = new TheoryData<string, CompressionLevel>();
        foreach (var kind in new[] { "text", "json", "random", "runs" })
            foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.SmallestSize })
                d.Add(kind, level);
        return d;
    }

    private static byte[] Make(string kind) => kind switch
    {
        "text" => TestData.Text(200_000),
        "json" => TestData.Json(150_000),
        "random" => TestData.Random(70_000),
        _ => Enumerable.Range(0, 100_000).Select(i => (byte)(i / 1000 % 3)).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Inflates_zlib_output_of_every_level_byte_for_byte(string kind, CompressionLevel level)
    {
        var data = Make(kind);
        var payload = ZlibDeflate(data, level);
        Assert.Equal(data, InflateOk(new Inflater(), payload));
        Assert.Equal(data, InflateOk(new Inflater(), payload, inChunk: 7, outChunk: 300));
    }

    [Property(MaxTest = 60)]
    public void Inflates_zlib_output_in_any_chunking(byte[] raw, PositiveInt inChunk, PositiveInt outChunk, bool textual)
    {
        var data = textual ? TestData.Text(raw.Length * 37 % 5000, raw.Length) : raw;
        var payload = ZlibDeflate(data);
        Assert.Equal(data, InflateOk(new Inflater(), payload, inChunk.Get % 64 + 1, outChunk.Get % 512 + 1));
    }

    [Fact]
    public void Inflates_a_sequence_of_messages_sharing_zlibs_window()
    {
        // One zlib stream, flushed after each message: later messages refer back into earlier ones.
        var messages = Enumerable.Range(0, 20).Select(i => TestData.Json(3000 + i * 100, seed: i % 3)).ToArray();
        var ms = new MemoryStream();
        using var ds = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true);
        var inflater = new Inflater(15, contextTakeover: true);
        long start = 0;
        foreach (var m in messages)
        {
            ds.Write(m);
            ds.Flush();
            var payload = ms.ToArray()[(int)start..^4];
            start = ms.Length;
            Assert.Equal(m, InflateOk(inflater, payload, inChunk: 100));
        }
    }
}
