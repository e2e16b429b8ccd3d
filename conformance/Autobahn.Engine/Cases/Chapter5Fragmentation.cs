using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 5: fragmented messages, control frames between fragments, and every broken fragment sequence.</summary>
public static class Chapter5Fragmentation
{
    private static readonly (string How, bool Sync, int? Chop)[] Ways =
        [("", false, null), (" (each frame flushed on its own)", true, null), (" (written one octet at a time)", false, 1)];

    public static IEnumerable<CaseDefinition> Cases()
    {
        const string Fails = "The peer fails the connection at once with 1002.";
        yield return MustFail("5.1", "A ping cut into two fragments.", "Control frames may not be fragmented: " + Fails, 1002,
            Frame(9, "fragment1", fin: false), Frame(0, "fragment2"), new KillAfter(1));
        yield return MustFail("5.2", "A pong cut into two fragments.", "Control frames may not be fragmented: " + Fails, 1002,
            Frame(10, "fragment1", fin: false), Frame(0, "fragment2"), new KillAfter(1));
        for (int w = 0; w < 3; w++)
        {
            var (how, sync, chop) = Ways[w];
            yield return MustAnswer($"5.{3 + w}", $"A text message in two fragments{how}.", "The whole message comes back.",
                [PeerEvent.Text("fragment1fragment2")],
                Frame(1, "fragment1", fin: false, sync: sync, chop: chop), Frame(0, "fragment2", sync: sync, chop: chop), new CloseAfter(1));
        }
        for (int w = 0; w < 3; w++)
        {
            var (how, sync, chop) = Ways[w];
            yield return MustAnswer($"5.{6 + w}", $"A text message in two fragments with a ping between them{how}.",
                "The pong comes first, then the whole message.",
                [PeerEvent.Pong("ping payload"), PeerEvent.Text("fragment1fragment2")],
                Frame(1, "fragment1", fin: false, sync: sync, chop: chop), Frame(9, "ping payload", sync: sync, chop: chop),
                Frame(0, "fragment2", sync: sync, chop: chop), new CloseAfter(1));
        }
        for (int w = 0; w < 3; w++)
        {
            var (how, sync, chop) = Ways[w];
            yield return MustFail($"5.{9 + w}", $"A final continuation frame with no message started, then a text message{how}.", Fails, 1002,
                Frame(0, "non-continuation payload", sync: sync, chop: chop), Frame(1, "Hello, world!", sync: sync, chop: chop), new KillAfter(1));
        }
        for (int w = 0; w < 3; w++)
        {
            var (how, sync, chop) = Ways[w];
            yield return MustFail($"5.{12 + w}", $"A non-final continuation frame with no message started, then a text message{how}.", Fails, 1002,
                Frame(0, "non-continuation payload", fin: false, sync: sync, chop: chop), Frame(1, "Hello, world!", sync: sync, chop: chop), new KillAfter(1));
        }
        yield return new CaseDefinition("5.15", "A text message in two fragments, then a continuation with no message started, then a final text frame.",
            "The first message may come back; the stray continuation fails the connection with 1002.")
        {
            Steps = [Frame(1, "fragment1", fin: false), Frame(0, "fragment2"), Frame(0, "fragment3", fin: false), Frame(1, "fragment4"), new KillAfter(1)],
            Expected = [Ok(PeerEvent.Text("fragment1fragment2")), NonStrict()],
            Close = ExpectedClose.FailedByPeer(1002),
        };
        foreach (var (id, firstFin, what) in new[] { ("5.16", false, "non-final"), ("5.17", true, "final") })
        {
            var round = new Step[] { Frame(0, "fragment1", fin: firstFin), Frame(1, "fragment2", fin: false), Frame(0, "fragment3") };
            yield return MustFail(id, $"Twice: a {what} continuation with no message started, then a text message in two fragments.", Fails, 1002,
                [.. round, .. round, new KillAfter(1)]);
        }
        yield return MustFail("5.18", "A text message whose second fragment is another text frame instead of a continuation.", Fails, 1002,
            Frame(1, "fragment1", fin: false), Frame(1, "fragment2"), new KillAfter(1));
        foreach (var (id, sync) in new[] { ("5.19", false), ("5.20", true) })
        {
            string how = sync ? " Every frame is flushed on its own." : "";
            yield return MustAnswer(id, "A text message in five fragments: two, a ping, a one-second pause, two more, another ping, the last." + how,
                "Each ping is answered as it arrives (the first before the message is complete), then the whole message comes back.",
                [PeerEvent.Pong("pongme 1!"), PeerEvent.Pong("pongme 2!"), PeerEvent.Text("fragment1fragment2fragment3fragment4fragment5")],
                Frame(1, "fragment1", fin: false, sync: sync), Frame(0, "fragment2", fin: false, sync: sync), Frame(9, "pongme 1!", sync: sync),
                new ContinueLater(1),
                Frame(0, "fragment3", fin: false, sync: sync), Frame(0, "fragment4", fin: false, sync: sync), Frame(9, "pongme 2!", sync: sync),
                Frame(0, "fragment5", sync: sync), new CloseAfter(1));
        }
    }
}
