using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Benchmarks;

/// <summary>
/// Compressing messages as permessage-deflate with context takeover: our <see cref="MessageDeflater"/> on
/// zlib (window 15) and on our managed deflater (window 8, which zlib cannot do), against a long-lived
/// System.IO.Compression.DeflateStream flushed per message, which is what System.Net.WebSockets does.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DeflateBenchmarks
{
    [Params("text", "json", "small")]
    public string Input { get; set; } = "text";

    private byte[][] _messages = [];
    private byte[] _output = [];
    private MessageDeflater _zlib = null!, _managed = null!;
    private DeflateStream _stream = null!;
    private MemoryStream _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rnd = new Random(42);
        _messages = Input switch
        {
            "text" => [CompressionInputs.Text(rnd, 64 * 1024)],
            "json" => [CompressionInputs.Json(rnd, 64 * 1024)],
            _ => Enumerable.Range(0, 200).Select(_ => CompressionInputs.Json(rnd, 100 + rnd.Next(300))).ToArray(),
        };
        _output = new byte[MessageDeflater.GetMaxCompressedLength(_messages.Max(m => m.Length))];
        _zlib = new MessageDeflater(15, contextTakeover: true, level: 6);
        _managed = new MessageDeflater(8, contextTakeover: true, level: 6);
        _sink = new MemoryStream(1 << 20);
        _stream = new DeflateStream(_sink, CompressionLevel.Optimal, leaveOpen: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _zlib.Dispose();
        _managed.Dispose();
        _stream.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long DeflateStream_flush_per_message()
    {
        long total = 0;
        foreach (var m in _messages)
        {
            _sink.SetLength(0);
            _stream.Write(m);
            _stream.Flush();
            total += _sink.Length - 4;
        }
        return total;
    }

    [Benchmark]
    public long MessageDeflater_zlib_window15()
    {
        long total = 0;
        foreach (var m in _messages) total += _zlib.Compress(m, _output);
        return total;
    }

    [Benchmark]
    public long MessageDeflater_managed_window8()
    {
        long total = 0;
        foreach (var m in _messages) total += _managed.Compress(m, _output);
        return total;
    }
}
