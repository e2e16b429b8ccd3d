using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol;

namespace WebSocketKit.Benchmarks;

/// <summary>Decoding one whole frame header of each wire size (2, 4, 10 and 14 bytes).</summary>
[MemoryDiagnoser]
public class HeaderDecodeBenchmarks
{
    private byte[] _header = [];
    private Role _role;

    [Params(2, 4, 10, 14)]
    public int HeaderBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // 2: short unmasked; 4: 16-bit length; 10: 64-bit length; 14: 64-bit length and mask key.
        long length = HeaderBytes switch { 2 => 100, 4 => 1000, _ => 100_000 };
        bool masked = HeaderBytes == 14;
        _role = masked ? Role.Server : Role.Client;
        _header = new byte[FrameHeader.MaxSize];
        int n = FrameEncoder.WriteHeader(_header, fin: true, Opcode.Binary, length, masked, 0x3D21FA37);
        if (n != HeaderBytes) throw new InvalidOperationException($"expected a {HeaderBytes}-byte header, wrote {n}");
        Array.Resize(ref _header, n);
    }

    [Benchmark]
    public long Decode()
    {
        var decoder = new FrameHeaderDecoder(_role, rsv1Allowed: false);
        decoder.Decode(_header, out _, out var header, out _);
        return header.PayloadLength;
    }
}
