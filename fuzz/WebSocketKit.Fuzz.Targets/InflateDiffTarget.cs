using System.IO.Compression;
using WebSocketKit.Protocol.Compression;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Differential target between our inflater and System.IO.Compression (zlib). The first byte picks
/// the direction. Bit 0 clear: the rest is a raw DEFLATE payload; both inflate it with the
/// 00 00 FF FF tail appended (RFC 7692 section 7.2.2), window 15, no limit (bounded here by
/// <see cref="InflateTarget.MaxOutput"/>): whatever one accepts the other must accept, with the same
/// bytes. Bit 0 set: bits 1-3 window bits 8..15, bits 4-7 the level (mod 10), the second byte bit 0
/// context takeover and bit 1 our managed deflater instead of zlib; the rest is split into messages
/// (2-byte big-endian lengths) that our <see cref="MessageDeflater"/> compresses, and both our
/// inflater and System.IO.Compression must give every message back.
/// </summary>
public sealed class InflateDiffTarget : IFuzzTarget
{
    public string Name => "inflate-diff";

    public IEnumerable<FuzzSeed> Seeds() => CompressionSeeds.ForInflateDiff();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        if ((input[0] & 1) == 0) Inflate(input[1..]);
        else if (input.Length >= 2) RoundTrip(input[0], input[1], input[2..]);
    }

    // Direction 1: arbitrary DEFLATE data, the BCL and ours must agree on it.
    private static void Inflate(ReadOnlySpan<byte> payload)
    {
        byte[] withTail = [.. payload, .. PerMessageDeflate.Tail];
        var bcl = Bcl(withTail, out bool bclOk);
        if (bcl is null) return; // more than MaxOutput: out of scope for one execution

        var ours = new Inflater(15, contextTakeover: true);
        var output = new byte[InflateTarget.MaxOutput + 1];
        var status = ours.Inflate(payload, output, out _, out int written);
        if (status == InflateStatus.NeedInput)
        {
            status = ours.FinishMessage(output.AsSpan(written), out int tail);
            written += tail;
        }
        Check(status is InflateStatus.MessageComplete or InflateStatus.InvalidData, $"ours ends with {status}");
        var produced = output.AsSpan(0, written);
        if (status == InflateStatus.MessageComplete)
        {
            Check(bclOk, $"ours inflates {written} bytes where System.IO.Compression refuses the data");
            Check(produced.SequenceEqual(bcl), $"ours inflates {written} bytes, System.IO.Compression {bcl.Length}, not the same");
            return;
        }
        // Ours refused: System.IO.Compression must refuse too, or have read data that stops inside a
        // block (it ends truncated data silently). What ours produced before refusing is a prefix of it.
        if (!bclOk) return;
        Check(produced.Length <= bcl.Length && produced.SequenceEqual(bcl.AsSpan(0, produced.Length)),
            "ours produced bytes before refusing that System.IO.Compression does not");
        if (EndsCleanly(withTail, bcl))
            throw new FuzzFindingException($"ours refuses a stream System.IO.Compression inflates completely to {bcl.Length} bytes");
    }

    // Whether the BCL's stream ended at a block boundary or after its final block, rather than in the
    // middle of a block or of a block header: appending a whole final block must then add exactly that
    // block's byte (or nothing, after a final block). The block is followed by 1 KiB of 0xFF, which a
    // stream ended cleanly never reads, while a pending header or block cannot wait through it silently
    // (zlib ends truncated data without an error). Two different blocks, so chance cannot fake it.
    private static bool EndsCleanly(byte[] data, byte[] inflated)
    {
        ReadOnlySpan<byte> fixedZ = [0x8B, 0x02, 0x00];                    // final fixed-Huffman block: "Z"
        ReadOnlySpan<byte> storedQ = [0x01, 0x01, 0x00, 0xFE, 0xFF, 0x51]; // final stored block: "Q"
        return Extends(data, inflated, fixedZ, (byte)'Z') && Extends(data, inflated, storedQ, (byte)'Q');

        static bool Extends(byte[] data, byte[] inflated, ReadOnlySpan<byte> block, byte literal)
        {
            var more = Bcl([.. data, .. block, .. Enumerable.Repeat((byte)0xFF, 1024)], out bool ok);
            if (!ok || more is null) return false;
            return more.AsSpan().SequenceEqual(inflated) || (more.Length == inflated.Length + 1
                && more.AsSpan(0, inflated.Length).SequenceEqual(inflated) && more[^1] == literal);
        }
    }

    // Direction 2: our deflater's output must inflate back, in ours and in System.IO.Compression.
    private static void RoundTrip(byte options, byte flags, ReadOnlySpan<byte> rest)
    {
        int windowBits = 8 + ((options >> 1) & 7);
        int level = (options >> 4) % 10;
        bool takeover = (flags & 1) != 0;
        using var deflater = new MessageDeflater(windowBits, takeover, level, preferZlib: (flags & 2) == 0);
        var inflater = new Inflater(windowBits, takeover);
        var all = new MemoryStream();      // every compressed message with its tail: one stream when taking over
        var messages = new List<byte[]>();
        while (!rest.IsEmpty)
        {
            var message = InflateTarget.NextMessage(ref rest);
            var compressed = new byte[MessageDeflater.GetMaxCompressedLength(message.Length)];
            int n = deflater.Compress(message, compressed);
            var payload = compressed.AsSpan(0, n);

            var back = new byte[message.Length + 1];
            var status = inflater.Inflate(payload, back, out int consumed, out int written);
            Check(status == InflateStatus.NeedInput && consumed == n, $"our inflater on our deflater's message: {status}");
            status = inflater.FinishMessage(back.AsSpan(written), out int tail);
            Check(status == InflateStatus.MessageComplete, $"our inflater finishing our deflater's message: {status}");
            Check(back.AsSpan(0, written + tail).SequenceEqual(message), $"our inflater gives back {written + tail} bytes for a {message.Length}-byte message (window {windowBits}, level {level})");

            if (!takeover)
            {
                var alone = Bcl([.. payload, .. PerMessageDeflate.Tail], out bool ok);
                Check(ok && alone is not null && alone.AsSpan().SequenceEqual(message), $"System.IO.Compression does not give back a {message.Length}-byte message (window {windowBits}, level {level})");
            }
            all.Write(payload);
            all.Write(PerMessageDeflate.Tail);
            messages.Add(message.ToArray());
        }
        if (takeover && messages.Count > 0)
        {
            var joined = Bcl(all.ToArray(), out bool ok);
            byte[] expected = [.. messages.SelectMany(m => m)];
            Check(ok && joined is not null && joined.AsSpan().SequenceEqual(expected), "System.IO.Compression does not give back the messages sharing one window");
        }
    }

    // System.IO.Compression's inflation of raw DEFLATE data: null when it exceeds MaxOutput, ok false
    // when it throws (the bytes read until then are still returned).
    private static byte[]? Bcl(byte[] data, out bool ok)
    {
        var output = new MemoryStream();
        ok = true;
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(data), CompressionMode.Decompress);
            var buffer = new byte[4096];
            int n;
            while ((n = inflate.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > InflateTarget.MaxOutput) return null;
            }
        }
        catch (InvalidDataException)
        {
            ok = false;
        }
        return output.ToArray();
    }
}
