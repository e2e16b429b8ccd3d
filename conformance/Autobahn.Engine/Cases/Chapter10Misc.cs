using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 10: a message that arrives in many frames (as a sender fragmenting automatically would send it).</summary>
public static class Chapter10Misc
{
    public static IEnumerable<CaseDefinition> Cases()
    {
        var payload = Repeat((byte)'*', 65536);
        yield return MustAnswer("10.1.1", "A text message of 65536 octets sent in frames of 1300 octets.",
            "The whole message comes back; we then close normally.", [PeerEvent.Text(payload)],
            new SendMessage(payload, false, 1300), new KillAfter(10));
    }
}
