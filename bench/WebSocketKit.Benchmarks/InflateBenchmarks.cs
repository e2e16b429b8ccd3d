using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Benchmarks;

/// <summary>
/// Our managed <see cref="Inflater"/> against System.IO.Compression.DeflateStream (native zlib) on the same
/// permessage-deflate payloads: 256 KiB of text, JSON and random bytes, and 1000 small JSON messages
/// sharing one window, compressed at zlib's default level; "-fast" inputs are compressed at
/// <see cref="CompressionLevel.Fastest"/> (zlib level 1, our connections' default), which leaves more
/// literals and shorter matches.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class InflateBenchmarks
{
    [Params("text", "json", "random", "small", "text-fast", "json-fast", "small-fast")]
    public string Input { get; set; } = "text";

    private byte[][] _payloads = [];   // compressed messages, tail removed
    private byte[] _zlibStream = [];   // the same messages, tails restored, as one stream
    private int _totalSize;
    private readonly byte[] _output = new byte[1 << 20];
    private Inflater _inflater = new();

    [GlobalSetup]
    public void Setup()
    {
        var rnd = new Random(42);
        var level = Input.EndsWith("-fast", StringComparison.Ordinal) ? CompressionLevel.Fastest : CompressionLevel.Optimal;
        byte[][] messages = Input.Split('-')[0] switch
        {
            "text" => [CompressionInputs.Text(rnd, 256 * 1024)],
            "json" => [CompressionInputs.Json(rnd, 256 * 1024)],
            "random" => [CompressionInputs.Random(rnd, 256 * 1024)],
            _ => Enumerable.Range(0, 1000).Select(_ => CompressionInputs.Json(rnd, 100 + rnd.Next(300))).ToArray(),
        };
        _totalSize = messages.Sum(m => m.Length);
        var ms = new MemoryStream();
        using (var ds = new DeflateStream(ms, level, leaveOpen: true))
        {
            _payloads = new byte[messages.Length][];
            for (int i = 0; i < messages.Length; i++)
            {
                long start = ms.Length;
                ds.Write(messages[i]);
                ds.Flush();
                _payloads[i] = ms.ToArray()[(int)start..^4];
            }
        }
        var all = new MemoryStream();
        foreach (var p in _payloads)
        {
            all.Write(p);
            all.Write(PerMessageDeflate.Tail);
        }
        _zlibStream = all.ToArray();
        _inflater = new Inflater(15, contextTakeover: true);
    }

    [Benchmark(Baseline = true)]
    public int DeflateStream_zlib()
    {
        using var ds = new DeflateStream(new MemoryStream(_zlibStream, writable: false), CompressionMode.Decompress);
        int total = 0, n;
        while ((n = ds.Read(_output)) > 0) total += n;
        return Check(total);
    }

    [Benchmark]
    public int Inflater_ours()
    {
        _inflater.Reset();
        int total = 0;
        foreach (var payload in _payloads)
        {
            var input = payload.AsSpan();
            while (true)
            {
                var s = _inflater.Inflate(input, _output, out int c, out int w);
                input = input[c..];
                total += w;
                if (s == InflateStatus.NeedInput) break;
                if (s != InflateStatus.OutputFull) throw new InvalidOperationException(s.ToString());
            }
            while (true)
            {
                var s = _inflater.FinishMessage(_output, out int w);
                total += w;
                if (s == InflateStatus.MessageComplete) break;
                if (s != InflateStatus.OutputFull) throw new InvalidOperationException(s.ToString());
            }
        }
        return Check(total);
    }

    private int Check(int total) => total == _totalSize ? total : throw new InvalidOperationException($"inflated {total} of {_totalSize}");
}
