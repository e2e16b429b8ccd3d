using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 7: the closing handshake: what may follow a close, close payloads, and every valid and invalid close code.</summary>
public static class Chapter7Close
{
    private static readonly int[] ValidCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
    private static readonly int[] InvalidCodes = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];

    public static IEnumerable<CaseDefinition> Cases()
    {
        const string Hello = "Hello World!";
        yield return Close("7.1.1", "A text message, then (once it is back) a normal close.", "The message comes back, then the close is answered normally.",
            [PeerEvent.Text(Hello)], ExpectedClose.Normal, Frame(1, Hello), new KillAfter(1)) with { SuppressClose = false };
        const string Ignored = "The peer ignores what follows its close and completes the closing handshake normally.";
        yield return Close("7.1.2", "A close, then a second close frame.", Ignored, [], ExpectedClose.Normal, new SendClose(1000), Frame(8), new KillAfter(1));
        yield return Close("7.1.3", "A close, then a ping.", Ignored, [], ExpectedClose.Normal, new SendClose(1000), Frame(9), new KillAfter(1));
        yield return Close("7.1.4", "A close, then a text message.", Ignored, [], ExpectedClose.Normal, new SendClose(1000), Frame(1, Hello), new KillAfter(1));
        yield return Close("7.1.5", "The first fragment of a text message, a close, then the last fragment.", Ignored, [], ExpectedClose.Normal,
            Frame(1, "fragment1", fin: false), new SendClose(1000), Frame(0, "fragment2"), new KillAfter(1));
        yield return new CaseDefinition("7.1.6", "A 256 KiB text message, a short text message, a close, then a ping, all at once.",
            "Informational: whether the messages come back before the close is answered is up to the peer.")
        {
            Steps = [new SendFrame(new Wire.FrameSpec(1, Utf8("BAsd7&jh23")) { RepeatLength = 256 * 1024 }), Frame(1, Hello), new SendClose(1000), Frame(9), new KillAfter(1)],
            Expected = [Ok(PeerEvent.Text(Hello)), NonStrict()],
            Close = ExpectedClose.Normal,
            SuppressClose = true,
            Judging = Judging.Informational,
        };

        var protocolError = new ExpectedClose(true, [1002], false);
        yield return Close("7.3.1", "A close with an empty payload.", "The close is answered normally.", [], ExpectedClose.Normal, new SendClose(), new KillAfter(1));
        yield return Close("7.3.2", "A close whose payload is one octet (half a close code).", "The peer fails the connection with 1002.", [], protocolError,
            new SendClose(null, Utf8("a")), new KillAfter(1));
        yield return Close("7.3.3", "A close with code 1000 and no reason.", "The close is answered normally.", [], ExpectedClose.Normal, new SendClose(1000), new KillAfter(1));
        yield return Close("7.3.4", "A close with code 1000 and a short reason.", "The close is answered normally.", [], ExpectedClose.Normal,
            new SendClose(1000, Utf8(Hello)), new KillAfter(1));
        yield return Close("7.3.5", "A close with code 1000 and a reason of 123 octets (the largest that fits).", "The close is answered normally.", [],
            ExpectedClose.Normal, new SendClose(1000, Repeat((byte)'*', 123)), new KillAfter(1));
        yield return Close("7.3.6", "A close with code 1000 and a reason of 124 octets (one too many for a control frame).",
            "The peer fails the connection with 1002.", [], protocolError, new SendClose(1000, Repeat((byte)'*', 124)), new KillAfter(1));
        yield return Close("7.5.1", "A close with code 1000 and a reason that is not UTF-8.", "The peer fails the connection (1007, or 1002).", [],
            new ExpectedClose(true, [1002, 1007], false), new SendClose(1000, Hex("cebae1bdb9cf83cebcceb5eda080656469746564")), new KillAfter(1));

        for (int i = 0; i < ValidCodes.Length; i++)
            yield return Close($"7.7.{i + 1}", $"A close with the valid code {ValidCodes[i]}.", "The close is answered with 1000 or the same code.", [],
                new ExpectedClose(true, [1000, ValidCodes[i]], true), new SendClose(ValidCodes[i]), new KillAfter(1));
        for (int i = 0; i < InvalidCodes.Length; i++)
            yield return Close($"7.9.{i + 1}", $"A close with the code {InvalidCodes[i]}, which may not be sent.", "The peer fails the connection with 1002.", [],
                protocolError, new SendClose(InvalidCodes[i]), new KillAfter(1));
        foreach (var (id, code) in new[] { ("7.13.1", 5000), ("7.13.2", 65535) })
            yield return Close(id, $"A close with the code {code}, outside every defined range.", "Informational: the spec does not say what the peer must do.", [],
                new ExpectedClose(true, [1000, code, 1002], false), new SendClose(code), new KillAfter(1)) with { Judging = Judging.Informational };
    }

    /// <summary>
    /// Cases only the RFC profile runs (docs/profiles.md): the codes IANA registered after the suite was written are
    /// valid and answered like any other valid code (7.7.14-7.7.16), and 1015, which RFC 6455 section 7.4.1 says must
    /// never be sent in a close frame, is refused like the other reserved codes (7.9.10).
    /// </summary>
    public static IEnumerable<CaseDefinition> RfcCases()
    {
        for (int i = 0; i < Engine.CloseCodes.RegisteredLater.Count; i++)
        {
            int code = Engine.CloseCodes.RegisteredLater[i];
            yield return Close($"7.7.{ValidCodes.Length + i + 1}", $"A close with the code {code}, registered with IANA after the suite was written.",
                "The close is answered with 1000 or the same code.", [], new ExpectedClose(true, [1000, code], true), new SendClose(code), new KillAfter(1));
        }
        yield return Close($"7.9.{InvalidCodes.Length + 1}", "A close with the code 1015, reserved for reporting a failed TLS handshake and never sent.",
            "The peer fails the connection with 1002.", [], new ExpectedClose(true, [1002], false), new SendClose(1015), new KillAfter(1));
    }

    /// <summary>A closing-handshake case: we close (the peer must not), and a wrong close code fails the case itself.</summary>
    private static CaseDefinition Close(string id, string description, string expectation, PeerEvent[] events, ExpectedClose close, params Step[] steps) =>
        new(id, description, expectation)
        {
            Steps = steps,
            Expected = [Ok(events)],
            Close = close,
            SuppressClose = true,
            Judging = Judging.WrongCodeFails,
        };
}
