using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 2: pings must be answered with the same payload; pongs nobody asked for are ignored.</summary>
public static class Chapter2PingPong
{
    public static IEnumerable<CaseDefinition> Cases()
    {
        const string Answer = "A pong with the ping's payload comes back; we then close normally.";
        yield return MustAnswer("2.1", "A ping with an empty payload.", Answer, [PeerEvent.Pong([])], Frame(9), new CloseAfter(1));
        yield return MustAnswer("2.2", "A ping whose payload is a short text.", Answer, [PeerEvent.Pong("Hello, world!")],
            Frame(9, "Hello, world!"), new CloseAfter(1));
        var bin = Hex("00fffefdfcfb00ff");
        yield return MustAnswer("2.3", "A ping with a short binary payload.", Answer, [PeerEvent.Pong(bin)], Frame(9, bin), new CloseAfter(1));
        var max = Repeat(0xFE, 125);
        yield return MustAnswer("2.4", "A ping with the largest payload a control frame may have (125 octets).", Answer,
            [PeerEvent.Pong(max)], Frame(9, max), new CloseAfter(1));
        yield return MustFail("2.5", "A ping with 126 octets of payload, one more than a control frame allows.",
            "The peer fails the connection at once with 1002.", 1002, Frame(9, Repeat(0xFE, 126)), new KillAfter(1));
        yield return MustAnswer("2.6", "A ping with 125 octets of payload, written one octet at a time.", Answer,
            [PeerEvent.Pong(max)], Frame(9, max, chop: 1), new CloseAfter(2));
        yield return MustAnswer("2.7", "A pong nobody asked for, with no payload, then a close.",
            "Nothing comes back for the pong; the close is answered normally.", [], Frame(10), new SendClose(1000), new CloseAfter(1));
        yield return MustAnswer("2.8", "A pong nobody asked for, with a payload, then a close.",
            "Nothing comes back for the pong; the close is answered normally.", [],
            Frame(10, "unsolicited pong payload"), new SendClose(1000), new CloseAfter(1));
        yield return MustAnswer("2.9", "A pong nobody asked for, then a ping.", "Only the ping is answered, with its payload.",
            [PeerEvent.Pong("ping payload")], Frame(10, "unsolicited pong payload"), Frame(9, "ping payload"), new CloseAfter(1));
        foreach (var (id, chop) in new[] { ("2.10", (int?)null), ("2.11", 1) })
        {
            var pings = Enumerable.Range(0, 10).Select(i => $"payload-{i}").ToArray();
            string how = chop is null ? "" : ", each written one octet at a time";
            yield return MustAnswer(id, $"Ten pings in a row, each with its own payload{how}.",
                "Ten pongs, in order, each with its ping's payload (answering every ping is not strictly required, but expected).",
                pings.Select(PeerEvent.Pong).ToArray(),
                [.. pings.Select(p => Frame(9, p, chop: chop)), new CloseAfter(3)]);
        }
    }
}
