using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>Chapter 4: frames with reserved opcodes (3-7 data, 11-15 control) must fail the connection.</summary>
public static class Chapter4Opcodes
{
    public static IEnumerable<CaseDefinition> Cases()
    {
        foreach (var (group, first, kind) in new[] { (1, 3, "non-control"), (2, 11, "control") })
        {
            const string Fails = "The peer fails the connection at once with 1002.";
            const string Hello = "Hello, world!";
            yield return MustFail($"4.{group}.1", $"A frame with the reserved {kind} opcode {first}.", Fails, 1002, Frame(first), new KillAfter(1));
            yield return MustFail($"4.{group}.2", $"A frame with the reserved {kind} opcode {first + 1} and a payload.", Fails, 1002,
                Frame(first + 1, "reserved opcode payload"), new KillAfter(1));
            var variants = new (int Op, bool Payload, int? Chop)[] { (first + 2, false, null), (first + 3, true, null), (first + 4, true, 1) };
            for (int i = 0; i < variants.Length; i++)
            {
                var (op, withPayload, chop) = variants[i];
                string how = chop is null ? "" : " (all written one octet at a time)";
                yield return new CaseDefinition($"4.{group}.{i + 3}", $"A valid text message, then a frame with the reserved {kind} opcode {op}, then a ping{how}.",
                    "The first message may come back; the reserved opcode fails the connection with 1002 and the ping is never answered.")
                {
                    Steps = [Frame(1, Hello, chop: chop), Frame(op, withPayload ? Utf8(Hello) : [], chop: chop), Frame(9, chop: chop), new KillAfter(1)],
                    Expected = [Ok(PeerEvent.Text(Hello)), NonStrict()],
                    Close = ExpectedClose.FailedByPeer(1002),
                };
            }
        }
    }
}
