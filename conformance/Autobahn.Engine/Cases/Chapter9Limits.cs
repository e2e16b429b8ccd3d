using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;
using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>
/// Chapter 9: large messages (up to 16 MiB, whole, fragmented, or written in small chops) and long runs of small
/// messages. Each must come back intact within the suite's deadline; the time taken is the result.
/// </summary>
public static class Chapter9Limits
{
    private const int KiB = 1024, MiB = 1024 * 1024;

    public static IEnumerable<CaseDefinition> Cases()
    {
        int[] sizes = [64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 8 * MiB, 16 * MiB];
        int[] textWait = [10, 10, 100, 100, 100, 100];
        int[] binaryWait = [10, 10, 10, 10, 100, 100];
        for (int i = 0; i < sizes.Length; i++)
        {
            yield return BigEcho($"9.1.{i + 1}", $"One text message of {Size(sizes[i])} in a single frame.", false, sizes[i], textWait[i],
                new SendFrame(new FrameSpec(1, Utf8("BAsd7&jh23")) { RepeatLength = sizes[i] }));
        }
        for (int i = 0; i < sizes.Length; i++)
        {
            yield return BigEcho($"9.2.{i + 1}", $"One binary message of {Size(sizes[i])} in a single frame.", true, sizes[i], binaryWait[i],
                new SendFrame(new FrameSpec(2, Hex("00fe23faf0")) { RepeatLength = sizes[i] }));
        }
        int[] fragments = [64, 256, 1 * KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB];
        foreach (var (chapter, binary) in new[] { (3, false), (4, true) })
            for (int i = 0; i < fragments.Length; i++)
            {
                var payload = Repeat(binary ? (byte)0xFE : (byte)'*', 4 * MiB);
                yield return BigEcho($"9.{chapter}.{i + 1}", $"One {(binary ? "binary" : "text")} message of 4 MiB in frames of {Size(fragments[i])}.",
                    binary, payload.Length, 100, new SendMessage(payload, binary, fragments[i]));
            }
        int[] chops = [64, 128, 256, 512, 1024, 2048];
        foreach (var (chapter, binary) in new[] { (5, false), (6, true) })
            for (int i = 0; i < chops.Length; i++)
            {
                var pattern = binary ? Hex("00fe23faf0") : Utf8("BAsd7&jh23");
                yield return BigEcho($"9.{chapter}.{i + 1}", $"One {(binary ? "binary" : "text")} message of 1 MiB in one frame, written {chops[i]} octets at a time.",
                    binary, MiB, 1000, new SendFrame(new FrameSpec(binary ? 2 : 1, pattern) { RepeatLength = MiB, ChopSize = chops[i] }));
            }
        (int Length, int Count, int Wait)[] runs = [(0, 1000, 60), (16, 1000, 60), (64, 1000, 60), (256, 1000, 120), (1024, 1000, 240), (4096, 1000, 480)];
        foreach (var (chapter, binary) in new[] { (7, false), (8, true) })
            for (int i = 0; i < runs.Length; i++)
                yield return ManySmall($"9.{chapter}.{i + 1}", binary, runs[i].Length, runs[i].Count, runs[i].Wait);
    }

    private static string Size(int n) => n >= MiB ? $"{n / MiB} MiB" : n >= KiB ? $"{n / KiB} KiB" : $"{n} octets";

    /// <summary>A case judged by its own reaction, run alone, that we close once the peer has gone quiet.</summary>
    private static CaseDefinition Timed(string id, string description, string expectation, int waitSeconds, long octets, params Step[] start) =>
        new(id, description, expectation)
        {
            Steps = [.. start, new CloseWhenIdle(IdleSeconds)],
            Close = ExpectedClose.Normal,
            ReportTime = true,
            Serial = true,
            BulkOctets = octets,
            HardLimit = BulkHardLimit(waitSeconds),
        };

    /// <summary>Send one large message; the case passes when a message of the same type and length comes back in time.</summary>
    private static CaseDefinition BigEcho(string id, string description, bool binary, int length, int waitSeconds, Step send) =>
        Timed(id, description, $"The message comes back whole (the suite allows {waitSeconds} s); the time it took is reported.", waitSeconds, length, new SetWireLog(false), send) with
        {
            OnEvent = (ctx, e) =>
            {
                if (e.Kind != "message") return [];
                ctx.Result = e.Binary != binary ? $"A {(e.Binary ? "binary" : "text")} message came back instead of a {(binary ? "binary" : "text")} one."
                           : e.Data.Length != length ? $"A message of {e.Data.Length} octets came back instead of {length}."
                           : $"The message came back whole ({length} octets).";
                ctx.Verdict = e.Binary == binary && e.Data.Length == length ? VerdictWords.Ok : VerdictWords.Failed;
                return [new SetWireLog(true), new SendClose(1000)];
            },
        };

    /// <summary>Send <paramref name="count"/> messages one after another, each only once the previous one has come back.</summary>
    private static CaseDefinition ManySmall(string id, bool binary, int length, int count, int waitSeconds)
    {
        var one = new SendFrame(new FrameSpec(binary ? 2 : 1, binary ? [0xFE] : Utf8("*")) { RepeatLength = length });
        return Timed(id, $"{count} {(binary ? "binary" : "text")} messages of {length} octets, each sent when the previous one is back.",
            $"Every message comes back intact (the suite allows {waitSeconds} s for the run); the time it took is reported.", waitSeconds,
            (long)length * count, new SetWireLog(false, Mark: true), one) with
        {
            OnEvent = (ctx, e) =>
            {
                if (e.Kind != "message") return [];
                int got = ctx.Received.Count(r => r.Kind == "message");
                if (e.Binary != binary || e.Data.Length != length)
                {
                    (ctx.Verdict, ctx.Result) = (VerdictWords.Failed, $"Message {got} came back changed (binary = {e.Binary}, {e.Data.Length} octets).");
                    return [new SetWireLog(true, Mark: true), new SendClose(1000)];
                }
                if (got < count) return [one];
                (ctx.Verdict, ctx.Result) = (VerdictWords.Ok, "All messages came back in time.");
                return [new SetWireLog(true, Mark: true), new SendClose(1000)];
            },
        };
    }
}
