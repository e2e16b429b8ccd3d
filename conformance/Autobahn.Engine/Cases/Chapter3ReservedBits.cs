using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 3: a frame with a reserved bit set, when no extension gave it a meaning, must fail the connection.</summary>
public static class Chapter3ReservedBits
{
    public static IEnumerable<CaseDefinition> Cases()
    {
        const string Fails = "The peer fails the connection at once with 1002 (no extension gave the bit a meaning).";
        const string Hello = "Hello, world!";
        yield return MustFail("3.1", "A short text message with RSV = 1.", Fails, 1002, Frame(1, Hello, rsv: 1), new KillAfter(1));
        // 3.2-3.4: a valid message, then the bad frame, then a ping; the echo of the first may or may not arrive.
        var variants = new (string Id, int Rsv, bool Sync, int? Chop, string How)[]
        {
            ("3.2", 2, false, null, ""), ("3.3", 3, true, null, " (each frame flushed on its own)"), ("3.4", 4, false, 1, " (written one octet at a time)"),
        };
        foreach (var v in variants)
            yield return new CaseDefinition(v.Id, $"A valid text message, then one with RSV = {v.Rsv}, then a ping{v.How}.",
                "The first message may come back; the frame with the reserved bit fails the connection with 1002 and the ping is never answered.")
            {
                Steps = [Frame(1, Hello, sync: v.Sync, chop: v.Chop), Frame(1, Hello, rsv: v.Rsv, sync: v.Sync, chop: v.Chop),
                         Frame(9, sync: v.Sync, chop: v.Chop), new KillAfter(1)],
                Expected = [Ok(PeerEvent.Text(Hello)), NonStrict()],
                Close = ExpectedClose.FailedByPeer(1002),
            };
        yield return MustFail("3.5", "A small binary message with RSV = 5.", Fails, 1002, Frame(2, Hex("00fffefdfcfb00ff"), rsv: 5), new KillAfter(1));
        // The official case calls this one a ping, but its wire log shows a binary frame: we send what it sends.
        yield return MustFail("3.6", "A small binary message with RSV = 6.", Fails, 1002, Frame(2, Hello, rsv: 6), new KillAfter(1));
        yield return MustFail("3.7", "A close with RSV = 7.", Fails, 1002, Frame(8, rsv: 7), new KillAfter(1));
    }
}
