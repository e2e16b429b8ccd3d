using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>
/// Chapter 6: text payloads must be valid UTF-8. Valid ones come back; invalid ones fail the connection with 1007,
/// and as early as the first offending octet (a peer that notices only at the end of the message is NON-STRICT).
/// </summary>
public static class Chapter6Utf8
{
    private const string Greeting = "Hello-µ@ßöäüàá-UTF-8!!";
    // "kosme" in Greek: 11 octets with code points of 2 and 3 octets.
    private static readonly byte[] Kosme = Hex("cebae1bdb9cf83cebcceb5");

    public static IEnumerable<CaseDefinition> Cases()
    {
        const string Echo = "The message comes back unchanged.";
        yield return MustAnswer("6.1.1", "An empty text message.", Echo, [PeerEvent.Text("")], Frame(1, ""), new CloseAfter(1));
        yield return MustAnswer("6.1.2", "A text message of three empty fragments.", Echo, [PeerEvent.Text("")],
            Frame(1, "", fin: false), Frame(0, "", fin: false), Frame(0, ""), new CloseAfter(1));
        yield return MustAnswer("6.1.3", "A text message of three fragments, only the middle one not empty.", Echo, [PeerEvent.Text("middle frame payload")],
            Frame(1, "", fin: false), Frame(0, "middle frame payload", fin: false), Frame(0, ""), new CloseAfter(1));

        yield return MustAnswer("6.2.1", "A valid UTF-8 text message with non-ASCII characters, in one frame.", Echo,
            [PeerEvent.Text(Greeting)], new SendMessage(Utf8(Greeting), false), new CloseAfter(1));
        yield return MustAnswer("6.2.2", "The same message in two frames, split at a code point boundary.", Echo,
            [PeerEvent.Text(Greeting)], Frame(1, "Hello-µ@ßöä", fin: false), Frame(0, "üàá-UTF-8!!"), new CloseAfter(1));
        yield return MustAnswer("6.2.3", "The same message in frames of one octet each, so frames end inside code points.", Echo,
            [PeerEvent.Text(Greeting)], new SendMessage(Utf8(Greeting), false, 1), new CloseAfter(1));
        yield return MustAnswer("6.2.4", "A valid Greek text in frames of one octet each.", Echo,
            [PeerEvent.Text(Kosme)], new SendMessage(Kosme, false, 1), new CloseAfter(1));

        // A surrogate (ED A0 80) in the middle of otherwise valid text.
        var broken = Concat(Kosme, Hex("eda080"), Utf8("edited"));
        const string Fails = "The peer fails the connection with 1007: the payload is not UTF-8.";
        yield return InvalidText("6.3.1", "An invalid UTF-8 text message in one frame.", Fails, new SendMessage(broken, false));
        yield return InvalidText("6.3.2", "The same invalid text in frames of one octet each.", Fails, new SendMessage(broken, false, 1));

        // 6.4: the message is sent in three parts with pauses; the second part makes it invalid (a code point above U+10FFFF).
        var part1 = Kosme; var part2 = Hex("f4908080"); var part3 = Utf8("edited");
        var whole = Concat(part1, part2, part3);
        const string FailFast = "The first part is accepted; the part that makes the text invalid should fail the connection at once (1007). " +
                                "Failing only when the message ends is allowed but not strict.";
        yield return FailFastCase("6.4.1", "Invalid text in three frames: a valid one, a pause, the frame that makes it invalid, a pause, the rest.", FailFast,
            [Frame(1, part1, fin: false)], [Frame(0, part2, fin: false)], [Frame(0, part3)]);
        yield return FailFastCase("6.4.2", "As 6.4.1, but the middle frame carries only the one octet that makes the text invalid.", FailFast,
            [Frame(1, whole[..12], fin: false)], [Frame(0, whole[12..13], fin: false)], [Frame(0, whole[13..])]);
        yield return FailFastCase("6.4.3", "As 6.4.1, but the three parts are pieces of one frame, sent with pauses between them.", FailFast,
            [new BeginFrame(1, whole.Length), new SendFrameData(part1)], [new SendFrameData(part2)], [new SendFrameData(part3)]);
        yield return FailFastCase("6.4.4", "As 6.4.2, but the three parts are pieces of one frame, sent with pauses between them.", FailFast,
            [new BeginFrame(1, whole.Length), new SendFrameData(whole[..12])], [new SendFrameData(whole[12..13])], [new SendFrameData(whole[13..])]);

        int group = 5;
        foreach (var (title, sequences) in Utf8Sequences.Groups())
        {
            int n = 1;
            foreach (var (valid, bytes) in sequences)
            {
                string id = $"6.{group}.{n++}";
                string desc = $"{title}: a text message of {Convert.ToHexStringLower(bytes)} in one frame.";
                yield return valid
                    ? MustAnswer(id, desc, Echo, [PeerEvent.Text(bytes)], new SendMessage(bytes, false), new KillAfter(0.5))
                    : InvalidText(id, desc, Fails, new SendMessage(bytes, false), 0.5);
            }
            group++;
        }
    }

    private static CaseDefinition InvalidText(string id, string description, string expectation, Step send, double kill = 1) =>
        new(id, description, expectation)
        {
            Steps = [send, new KillAfter(kill)],
            Expected = [Ok()],
            Close = ExpectedClose.FailedByPeer(1007, wrongEndpointIsFatal: true),
        };

    private static CaseDefinition FailFastCase(string id, string description, string expectation, Step[] part1, Step[] part2, Step[] part3) =>
        new(id, description, expectation)
        {
            Steps = [.. part1, new ContinueLater(1, "A", OnlyWhenOpen: true, RecordTimeout: true),
                     .. part2, new ContinueLater(1, "B", OnlyWhenOpen: true, RecordTimeout: true),
                     .. part3, new KillAfter(1)],
            Expected = [Ok(PeerEvent.Timeout("A")), NonStrict(PeerEvent.Timeout("A"), PeerEvent.Timeout("B"))],
            Close = ExpectedClose.FailedByPeer(1007, wrongEndpointIsFatal: true),
        };
}
