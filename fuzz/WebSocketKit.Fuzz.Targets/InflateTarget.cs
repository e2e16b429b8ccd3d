using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Our <see cref="Inflater"/> on arbitrary permessage-deflate payloads. Input: an option byte (bits 0-2:
/// window bits 8..15; bit 3: context takeover; bits 4-7: output buffer size), a limit byte (the
/// message size limit), a <see cref="ChunkSchedule"/> for the input pieces, then messages, each
/// a 2-byte big-endian length and that many payload bytes (the last one takes whatever is left).
/// Only the typed results are acceptable; the output never exceeds the limit; and each message
/// must inflate to the same bytes as a second inflater given it in one piece with ample output.
/// </summary>
public sealed class InflateTarget : IFuzzTarget
{
    private static ReadOnlySpan<int> OutputSizes => [1, 2, 3, 7, 16, 64, 255, 258, 1024, 4096, 32768, 1, 5, 100, 8191, 65536];

    public string Name => "inflate";

    public IEnumerable<FuzzSeed> Seeds() => CompressionSeeds.ForInflate();

    /// <summary>The most a message may inflate to in this target, so one execution stays fast.</summary>
    public const int MaxOutput = 256 * 1024;

    /// <summary>Message limit from the limit byte: 0xFF is <see cref="MaxOutput"/>, else 97 bytes per step (0 included).</summary>
    public static int LimitFor(byte b) => b == 0xFF ? MaxOutput : b * 97;

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        int windowBits = 8 + (input[0] & 7);
        bool takeover = (input[0] & 8) != 0;
        int outputSize = OutputSizes[input[0] >> 4];
        int limit = LimitFor(input[1]);
        input = input[2..];
        var schedule = ChunkSchedule.Read(ref input);

        var streamed = new Inflater(windowBits, takeover, limit);
        var whole = new Inflater(windowBits, takeover, limit);
        var output = new byte[outputSize];
        var produced = new byte[limit + 1];
        var expected = new byte[limit + 1];
        int message = 0;
        while (!input.IsEmpty)
        {
            var payload = NextMessage(ref input);
            var (status, length) = Streamed(streamed, payload, ref schedule, output, produced, limit);
            var (wholeStatus, wholeLength) = Whole(whole, payload, expected);
            Check(status == wholeStatus, $"message {message}: pieces give {status}, one piece gives {wholeStatus}");
            Check(produced.AsSpan(0, length).SequenceEqual(expected.AsSpan(0, wholeLength)),
                $"message {message}: pieces and one piece inflate to different bytes ({length} vs {wholeLength})");
            if (status != InflateStatus.MessageComplete)
            {
                // A failure is sticky until Reset, which forgets it.
                CheckSticky(streamed, status);
                streamed.Reset();
                whole.Reset();
                Check(streamed.Error == ProtocolError.None && streamed.MessageBytes == 0, "Reset clears the error and the count");
            }
            message++;
        }
    }

    /// <summary>Cuts the next message off the input: a 2-byte big-endian length, then that many bytes (at most what is left).</summary>
    internal static ReadOnlySpan<byte> NextMessage(ref ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) { var rest = input; input = default; return rest; }
        int length = Math.Min((input[0] << 8) | input[1], input.Length - 2);
        var payload = input.Slice(2, length);
        input = input[(2 + length)..];
        return payload;
    }

    // Feeds one message in the scheduled pieces with the small output buffer, then finishes it;
    // returns how it ended and how many bytes it produced (copied into produced).
    private static (InflateStatus, int) Streamed(Inflater inflater, ReadOnlySpan<byte> payload, ref ChunkSchedule schedule,
        byte[] output, byte[] produced, int limit)
    {
        int total = 0, pos = 0;
        do
        {
            var piece = payload.Slice(pos, schedule.Next(payload.Length - pos));
            pos += piece.Length;
            while (true)
            {
                var status = inflater.Inflate(piece, output, out int consumed, out int written);
                Check(consumed >= 0 && consumed <= piece.Length && written >= 0 && written <= output.Length, "consumed and written stay within the spans");
                total = Collect(output, written, produced, total, limit);
                piece = piece[consumed..];
                CheckCount(inflater, total);
                if (status == InflateStatus.NeedInput) { Check(piece.IsEmpty, "NeedInput only once all input is consumed"); break; }
                if (status == InflateStatus.OutputFull) { Check(written == output.Length, "OutputFull only with the output span full"); continue; }
                CheckFailure(inflater, status);
                return (status, total);
            }
        } while (pos < payload.Length);
        while (true)
        {
            var status = inflater.FinishMessage(output, out int written);
            Check(written >= 0 && written <= output.Length, "FinishMessage writes within the span");
            total = Collect(output, written, produced, total, limit);
            if (status == InflateStatus.OutputFull) { Check(written == output.Length, "OutputFull only with the output span full"); CheckCount(inflater, total); continue; }
            if (status == InflateStatus.MessageComplete)
            {
                Check(inflater.MessageBytes == 0 && inflater.Error == ProtocolError.None, "a finished message resets the count");
                return (status, total);
            }
            Check(status != InflateStatus.NeedInput, "FinishMessage never asks for input");
            CheckCount(inflater, total);
            CheckFailure(inflater, status);
            return (status, total);
        }
    }

    private static void CheckCount(Inflater inflater, int total)
        => Check(inflater.MessageBytes == total, $"MessageBytes {inflater.MessageBytes} counts the {total} bytes produced");

    private static int Collect(byte[] output, int written, byte[] produced, int total, int limit)
    {
        Check(total + written <= limit, $"{total + written} bytes produced under a limit of {limit}");
        output.AsSpan(0, written).CopyTo(produced.AsSpan(total));
        total += written;
        return total;
    }

    private static (InflateStatus, int) Whole(Inflater inflater, ReadOnlySpan<byte> payload, byte[] expected)
    {
        var status = inflater.Inflate(payload, expected, out int consumed, out int total);
        if (status == InflateStatus.NeedInput)
        {
            Check(consumed == payload.Length, "NeedInput only once all input is consumed");
            status = inflater.FinishMessage(expected.AsSpan(total), out int tail);
            total += tail;
        }
        return (status, total);
    }

    private static void CheckFailure(Inflater inflater, InflateStatus status)
    {
        var expected = status switch
        {
            InflateStatus.InvalidData => ProtocolError.InvalidCompressedData,
            InflateStatus.MessageTooBig => ProtocolError.MessageTooBig,
            _ => throw new FuzzFindingException($"Inflate returned {status}"),
        };
        Check(inflater.Error == expected, $"{status} comes with Error {expected}, not {inflater.Error}");
    }

    private static void CheckSticky(Inflater inflater, InflateStatus status)
    {
        Span<byte> scratch = stackalloc byte[16];
        Check(inflater.Inflate([0x03, 0x00], scratch, out int c, out int w) == status && c == 0 && w == 0, "a failed inflater keeps failing, consuming nothing");
        Check(inflater.FinishMessage(scratch, out w) == status && w == 0, "FinishMessage after a failure repeats it");
    }
}
