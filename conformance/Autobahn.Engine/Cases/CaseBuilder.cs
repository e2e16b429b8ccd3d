using System.Text;
using Autobahn.Vocabulary;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Cases;

/// <summary>Short helpers so each chapter file reads as a table of cases rather than code.</summary>
public static class Build
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    public static byte[] Repeat(byte b, int n) { var a = new byte[n]; a.AsSpan().Fill(b); return a; }
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static SendFrame Frame(int opcode, byte[]? payload = null, bool fin = true, int rsv = 0, int? chop = null, bool sync = false) =>
        new(new FrameSpec(opcode, payload ?? [], fin, rsv) { ChopSize = chop, Sync = sync });
    public static SendFrame Frame(int opcode, string payload, bool fin = true, int rsv = 0, int? chop = null, bool sync = false) =>
        Frame(opcode, Utf8(payload), fin, rsv, chop, sync);

    /// <summary>
    /// How long the bulk cases (chapters 9, 12, 13) wait without an octet crossing the wire before they close. The
    /// official suite closes them after a total time instead (60-1000 s), which a correct peer on a busy machine can
    /// miss; a peer that keeps echoing is never idle this long, and one that stopped is found sooner.
    /// </summary>
    public const double IdleSeconds = 30;

    /// <summary>The engine's last resort for a bulk case still moving octets: ten minutes past the suite's own time limit.</summary>
    public static TimeSpan BulkHardLimit(int suiteWaitSeconds) => TimeSpan.FromSeconds(suiteWaitSeconds + 600);

    public static Outcome Ok(params PeerEvent[] events) => new(VerdictWords.Ok, events);
    public static Outcome NonStrict(params PeerEvent[] events) => new(VerdictWords.NonStrict, events);
    public static Outcome Informational(params PeerEvent[] events) => new(VerdictWords.Informational, events);

    /// <summary>The peer must fail the connection with <paramref name="code"/> and nothing else must come back.</summary>
    public static CaseDefinition MustFail(string id, string description, string expectation, int code, params Step[] steps) =>
        new(id, description, expectation) { Steps = steps, Expected = [Ok()], Close = ExpectedClose.FailedByPeer(code) };

    /// <summary>The peer must answer with <paramref name="events"/>; we close normally afterwards.</summary>
    public static CaseDefinition MustAnswer(string id, string description, string expectation, PeerEvent[] events, params Step[] steps) =>
        new(id, description, expectation) { Steps = steps, Expected = [Ok(events)], Close = ExpectedClose.Normal };
}
