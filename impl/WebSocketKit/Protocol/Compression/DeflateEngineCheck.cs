using System.Buffers;
using System.Text;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// The known-answer check a native compressor passes before any message is trusted to it: a fixed sample, built to
/// tempt back-references beyond every small window, compressed as permessage-deflate messages that share the window
/// at two levels, then after a reset at two more (stored included), then an empty message; each payload must inflate
/// back exactly with our own <see cref="Inflater"/> limited to the negotiated window, ending at a block boundary once
/// the 00 00 FF FF tail is appended (the zlib engine itself refuses a sync flush that does not end with that tail).
/// </summary>
internal static class DeflateEngineCheck
{
    private static readonly byte[] Sample = BuildSample();

    // (message, level, reset before it)
    private static readonly (byte[] Message, int Level, bool Reset)[] Steps =
        [(Sample, 6, false), (Sample, 1, false), (Sample, 9, true), (Sample, 0, false), ([], 6, false)];

    /// <summary>Runs the check on a fresh <paramref name="engine"/>; null when it passed, else what went wrong.</summary>
    public static string? Run(IDeflateEngine engine, int windowBits)
    {
        var inflater = new Inflater(windowBits, contextTakeover: true);
        var payload = new byte[MessageDeflater.GetMaxCompressedLength(Sample.Length)];
        var inflated = new byte[Sample.Length + 64]; // room past the end: the inflater may write ahead of what it reports
        try
        {
            foreach (var (message, level, reset) in Steps)
            {
                if (reset)
                {
                    engine.Reset();
                    inflater.Reset();
                }
                var status = engine.Compress(message, payload, final: true, level, out int consumed, out int written);
                if (status != OperationStatus.Done || consumed != message.Length)
                    return $"level {level}: a whole message did not compress into GetMaxCompressedLength bytes";
                string? wrong = InflatesTo(inflater, payload.AsSpan(0, written), message, inflated);
                if (wrong is not null) return $"window bits {windowBits}, level {level}: {wrong}";
            }
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return e.Message;
        }
    }

    private static string? InflatesTo(Inflater inflater, ReadOnlySpan<byte> payload, byte[] expected, byte[] buffer)
    {
        var status = inflater.Inflate(payload, buffer, out int consumed, out int written);
        if (status != InflateStatus.NeedInput || consumed != payload.Length) return $"our inflater stopped with {status} ({inflater.Error})";
        status = inflater.FinishMessage(buffer.AsSpan(written), out int tailWritten);
        if (status != InflateStatus.MessageComplete) return $"the payload does not end at a block boundary ({status}, {inflater.Error})";
        return buffer.AsSpan(0, written + tailWritten).SequenceEqual(expected) ? null : "the payload inflates to other bytes";
    }

    /// <summary>
    /// Random bytes that recur 2.1 KB later (beyond windows of 9..11 bits) and again 33 KB later (beyond every window),
    /// with word text between them; about 37 KB, the same in every process.
    /// </summary>
    private static byte[] BuildSample()
    {
        var rnd = new Random(6455);
        var noise = new byte[600];
        rnd.NextBytes(noise);
        string[] words = ["frame", "mask", "deflate", "window", "opcode", "payload", "close", "ping", "text", "binary"];
        byte[] Words(int size)
        {
            var sb = new StringBuilder();
            while (sb.Length < size) sb.Append(words[rnd.Next(words.Length)]).Append(rnd.Next(9) == 0 ? ".\n" : " ");
            return Encoding.ASCII.GetBytes(sb.ToString(0, size));
        }
        return [.. noise, .. Words(1500), .. noise, .. Words(33_000), .. noise, .. "end"u8];
    }
}
