using System.IO.Compression;
using System.Text;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the inflate and inflate-diff targets: the examples of RFC 7692 section 7.2.3, messages
/// compressed by System.IO.Compression (zlib, sync flush, tail removed) and by our
/// <see cref="MessageDeflater"/> (zlib and managed, several windows and levels), alone and sharing a window.
/// </summary>
internal static class CompressionSeeds
{
    internal static readonly byte[][] Texts =
    [
        "Hello"u8.ToArray(),
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("WebSocket permessage-deflate κόσμε ", 12))),
        Encoding.UTF8.GetBytes("{\"type\":\"update\",\"id\":42,\"values\":[1,2,3,4,5,6,7,8,9,10],\"ok\":true}"),
        [.. Enumerable.Range(0, 600).Select(i => (byte)(i * 7 % 251))],
    ];

    // RFC 7692 section 7.2.3 examples: "Hello" compressed, the same again sharing the window, a stored
    // block, a final block, and two blocks in one message.
    private static readonly byte[] Hello = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00];
    private static readonly byte[] HelloAgain = [0xF2, 0x00, 0x11, 0x00, 0x00];
    private static readonly byte[] HelloStored = [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00];
    private static readonly byte[] HelloFinal = [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00];
    private static readonly byte[] HelloTwoBlocks = [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00];

    public static IEnumerable<FuzzSeed> ForInflate()
    {
        byte whole = 0x0F | (10 << 4);     // window 15, takeover, 32 KiB output
        byte tiny = 0x0F | (0 << 4);       // window 15, takeover, 1-byte output
        byte[] once = ChunkSchedule.Encode(), bytewise = ChunkSchedule.Encode(1), ragged = ChunkSchedule.Encode(3, 0, 7, 1);
        yield return Inflate("rfc7692-hello", whole, 0xFF, once, Hello);
        yield return Inflate("rfc7692-hello-twice-takeover-bytewise", tiny, 0xFF, bytewise, Hello, HelloAgain);
        yield return Inflate("rfc7692-hello-twice-no-takeover", 0x07 | (4 << 4), 0xFF, once, Hello, HelloAgain);
        yield return Inflate("rfc7692-stored-final-two-blocks", whole, 0xFF, ragged, HelloStored, HelloFinal, HelloTwoBlocks);
        yield return Inflate("rfc7692-hello-limit-0", whole, 0, once, Hello);
        yield return Inflate("empty-message", whole, 0xFF, once, []);
        foreach (var (name, bits, payloads) in Compressed())
        {
            byte options = (byte)((bits - 8) | 0x08 | (6 << 4)); // 255-byte output
            yield return Inflate(name, options, 0xFF, ragged, payloads);
            yield return Inflate(name + "-limit-970", options, 10, ChunkSchedule.Encode(0x81), payloads);
        }
    }

    public static IEnumerable<FuzzSeed> ForInflateDiff()
    {
        yield return new("bcl-rfc7692-hello", [0x00, .. Hello]);
        yield return new("bcl-rfc7692-two-blocks", [0x00, .. HelloTwoBlocks]);
        yield return new("bcl-rfc7692-final", [0x00, .. HelloFinal]);
        yield return new("bcl-distance-too-far", [0x00, 0x02, 0x02, 0x00]); // a match before any output
        // Our zlib path may run on the same zlib as System.IO.Compression and then emit the very same
        // bytes: a seed that repeats another adds nothing.
        var seen = new HashSet<string>();
        foreach (var (name, bits, payloads) in Compressed())
            if (bits == 15 && seen.Add(Convert.ToHexString(payloads[0]))) yield return new("bcl-" + name, [0x00, .. payloads[0]]);
        // Round trips: window 15 / 9 / 8, levels 0, 1, 6, 9, with and without takeover, zlib and managed.
        yield return RoundTrip("roundtrip-w15-l6-takeover", 15, 6, 0x01, Texts[1], Texts[1], Texts[2]);
        yield return RoundTrip("roundtrip-w9-l9", 9, 9, 0x00, Texts[1], Texts[3]);
        yield return RoundTrip("roundtrip-w8-managed", 8, 1, 0x03, Texts[0], Texts[1]);
        yield return RoundTrip("roundtrip-w12-l0-stored", 12, 0, 0x00, Texts[2]);
        yield return RoundTrip("roundtrip-w15-managed-no-takeover", 15, 6, 0x02, Texts[1], Texts[1]);
    }

    // Each text compressed by System.IO.Compression and by our deflater at a few windows and levels.
    private static IEnumerable<(string Name, int WindowBits, byte[][] Payloads)> Compressed()
    {
        for (int t = 1; t < Texts.Length; t++)
            yield return ($"bcl-text{t}", 15, [BclSyncFlush(Texts[t])]);
        foreach (var (bits, level, zlib) in new[] { (15, 6, true), (10, 9, true), (9, 1, true), (8, 6, false), (15, 6, false) })
        {
            using var deflater = new MessageDeflater(bits, contextTakeover: true, level, preferZlib: zlib);
            var payloads = Texts.Skip(1).Select(text =>
            {
                var buffer = new byte[MessageDeflater.GetMaxCompressedLength(text.Length)];
                return buffer[..deflater.Compress(text, buffer)];
            }).ToArray();
            yield return ($"ours-{(zlib ? "zlib" : "managed")}-w{bits}-l{level}", bits, payloads);
        }
    }

    // What a System.IO.Compression sender puts in a message: deflate, sync flush, tail removed.
    private static byte[] BclSyncFlush(byte[] text)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(text);
            deflate.Flush();
            var flushed = output.ToArray();
            if (flushed.AsSpan().EndsWith(PerMessageDeflate.Tail)) return flushed[..^4];
        }
        throw new InvalidOperationException("a sync flush ends with 00 00 FF FF");
    }

    private static FuzzSeed Inflate(string name, byte options, byte limit, byte[] schedule, params byte[][] payloads)
        => new(name, [options, limit, .. schedule, .. Messages(payloads)]);

    private static FuzzSeed RoundTrip(string name, int windowBits, int level, byte flags, params byte[][] messages)
        => new(name, [(byte)(1 | ((windowBits - 8) << 1) | (level << 4)), flags, .. Messages(messages)]);

    private static byte[] Messages(byte[][] payloads)
        => [.. payloads.SelectMany(p => new byte[] { (byte)(p.Length >> 8), (byte)p.Length }.Concat(p))];
}
