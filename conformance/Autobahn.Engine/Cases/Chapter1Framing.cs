using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 1: text and binary messages of the lengths where the header's length encoding changes.</summary>
public static class Chapter1Framing
{
    private static readonly (int Length, int? Chop, double Kill)[] Sizes =
        [(0, null, 1), (125, null, 1), (126, null, 1), (127, null, 1), (128, null, 1), (65535, null, 10), (65536, null, 10), (65536, 997, 10)];

    public static IEnumerable<CaseDefinition> Cases()
    {
        for (int i = 0; i < Sizes.Length; i++)
        {
            var (len, chop, kill) = Sizes[i];
            string how = chop is null ? "" : $", written to the socket {chop} octets at a time";
            var text = Repeat((byte)'*', len);
            yield return MustAnswer($"1.1.{i + 1}", $"A text message of {len} octets in one frame{how}.",
                "The same text comes back; we then close normally.", [PeerEvent.Text(text)],
                Frame(1, text, chop: chop), new KillAfter(kill));
            var bin = Repeat(0xFE, len);
            yield return MustAnswer($"1.2.{i + 1}", $"A binary message of {len} octets in one frame{how}.",
                "The same binary message comes back; we then close normally.", [PeerEvent.Bytes(bin)],
                Frame(2, bin, chop: chop), new KillAfter(kill));
        }
    }
}
