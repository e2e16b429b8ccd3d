using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol;

namespace WebSocketKit.Benchmarks;

/// <summary>Vectorised masking against the byte-at-a-time loop it replaces (the Ratio column).</summary>
[Config(typeof(ThroughputConfig))]
public class MaskingBenchmarks
{
    private byte[] _data = [];
    private const uint Key = 0x3D21FA37;

    [Params(16, 1024, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(42).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public int ScalarLoop()
    {
        var data = _data;
        for (int i = 0; i < data.Length; i++)
            data[i] ^= (byte)(Key >> (8 * (i & 3)));
        return data.Length & 3;
    }

    [Benchmark]
    public int Vectorised() => Masking.Apply(_data, Key, 0);
}
