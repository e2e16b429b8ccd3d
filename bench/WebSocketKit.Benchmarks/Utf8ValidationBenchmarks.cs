using System.Text;
using System.Text.Unicode;
using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol;

namespace WebSocketKit.Benchmarks;

/// <summary>
/// The streaming validator on whole messages against the BCL's one-shot check (the Ratio column):
/// streaming must cost little over it on valid text.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class Utf8ValidationBenchmarks
{
    public enum TextKind { Ascii, Mixed, MixedBadLastByte }

    private byte[] _message = [];

    [Params(64, 1024, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [Params(TextKind.Ascii, TextKind.Mixed, TextKind.MixedBadLastByte)]
    public TextKind Text { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = Make(Text, Size);
        // The error path: the validator must also say where, the BCL only whether.
        if (Text == TextKind.MixedBadLastByte) _message[^1] = 0xFF;
    }

    // Valid UTF-8 of exactly `size` bytes: ASCII, or a mix in which about half the characters
    // take 2, 3 or 4 bytes (Greek, CJK, emoji), padded with ASCII at the end.
    private static byte[] Make(TextKind kind, int size)
    {
        var random = new Random(7);
        var bytes = new List<byte>(size);
        Span<byte> one = stackalloc byte[4];
        while (true)
        {
            int cp = kind == TextKind.Ascii || random.Next(2) == 0
                ? random.Next(0x20, 0x7F)
                : random.Next(3) switch { 0 => random.Next(0x391, 0x3C9), 1 => random.Next(0x4E00, 0x9FFF), _ => random.Next(0x1F600, 0x1F64F) };
            int n = new Rune(cp).EncodeToUtf8(one);
            if (bytes.Count + n > size) break;
            bytes.AddRange(one[..n]);
        }
        while (bytes.Count < size) bytes.Add((byte)'.');
        return bytes.ToArray();
    }

    [Benchmark(Baseline = true)]
    public bool Utf8IsValid() => Utf8.IsValid(_message);

    [Benchmark]
    public bool StreamingValidator()
    {
        var validator = new Utf8Validator();
        return validator.Append(_message, out _) && validator.IsComplete;
    }
}
