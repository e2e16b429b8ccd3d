using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using static WebSocketKit.Fuzz.Targets.FrameSeeds;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the receiver target: plain sessions for both roles (fragments with control frames between
/// them, closes, the fast path, in-place payload, tiny destinations), the ways a peer breaks the
/// protocol, and compressed sessions under several agreed parameters (windows 8-15, with and
/// without context takeover), compressed by our managed deflater so the bytes are the same everywhere.
/// </summary>
internal static class ReceiverSeeds
{
    internal static readonly byte[] Once = ChunkSchedule.Encode(), Bytewise = ChunkSchedule.Encode(1), Ragged = ChunkSchedule.Encode(3, 0, 9, 0x81, 2);

    public static IEnumerable<FuzzSeed> All()
    {
        const Role server = Role.Server, client = Role.Client;
        var hello = "Hello"u8.ToArray();

        yield return Seed("server-text-hello", ReceiverOptions.Encode(server), Once, Frame(true, true, Opcode.Text, hello));
        yield return Seed("client-binary-300-dest7-bytewise-fast-path", ReceiverOptions.Encode(client, fastPath: true, destinationIndex: 5), Bytewise,
            Frame(false, true, Opcode.Binary, Bytes(300)));
        yield return Seed("server-fragmented-text-ping-between-close-reason", ReceiverOptions.Encode(server, destinationIndex: 1), Ragged,
            Frame(true, false, Opcode.Text, "Hel"u8), Frame(true, true, Opcode.Ping, "are you there"u8),
            Frame(true, true, Opcode.Continuation, "lo κόσμε"u8), Frame(true, true, Opcode.Close, ClosePayload.Format(1000, "bye")));
        yield return Seed("client-fast-path-messages-pong-between", ReceiverOptions.Encode(client, fastPath: true), Once,
            Frame(false, true, Opcode.Text, "one"u8), Frame(false, true, Opcode.Binary, Bytes(200)), Frame(false, true, Opcode.Pong, []),
            Frame(false, true, Opcode.Text, "two"u8), Frame(false, true, Opcode.Close, []));
        yield return Seed("server-direct-binary-3000-dest1000", ReceiverOptions.Encode(server, direct: true, destinationIndex: 10), ChunkSchedule.Encode(0x90),
            Frame(true, false, Opcode.Binary, Bytes(1800)), Frame(true, true, Opcode.Continuation, Bytes(1200)));
        yield return Seed("server-error-invalid-utf8-1007", ReceiverOptions.Encode(server), Once, Frame(true, true, Opcode.Text, [0x61, 0xC3, 0x28]));
        yield return Seed("client-error-too-big-limit-125-1009", ReceiverOptions.Encode(client, limitIndex: 4), Once, Frame(false, true, Opcode.Binary, Bytes(126)));
        yield return Seed("server-limit-lowered-to-125-at-call-4-1009", ReceiverOptions.Encode(server, limitIndex: 0, loweredIndex: 4, lowerAt: 4), Ragged,
            Frame(true, true, Opcode.Binary, Bytes(100)), Frame(true, true, Opcode.Binary, Bytes(200)));
        yield return Seed("server-error-rsv1-without-deflate-1002", ReceiverOptions.Encode(server), Once, Frame(true, true, Opcode.Text, hello, rsv1: true));

        // Compressed sessions: the peer's deflater is built as the agreed parameters say.
        var takeover = new PerMessageDeflateParameters(false, false, 15, 15);
        var clientW8NoTakeover = new PerMessageDeflateParameters(false, true, 15, 8);
        var serverW10NoTakeover = new PerMessageDeflateParameters(true, false, 10, 15);
        var clientW9 = new PerMessageDeflateParameters(false, false, 15, 9);
        var bothW8NoTakeover = new PerMessageDeflateParameters(true, true, 8, 8);
        var text = CompressionSeeds.Texts[1];
        var json = CompressionSeeds.Texts[2];

        var twice = Compress(server, takeover, text, text);
        yield return Seed("deflate-takeover-two-texts-dest16", ReceiverOptions.Encode(server, takeover, destinationIndex: 6), Ragged,
            Compressed(server, Opcode.Text, twice[0]), Compressed(server, Opcode.Text, twice[1]));
        var w8 = Compress(server, clientW8NoTakeover, json, json);
        yield return Seed("deflate-client-w8-no-takeover", ReceiverOptions.Encode(server, clientW8NoTakeover), Once,
            Compressed(server, Opcode.Text, w8[0]), Compressed(server, Opcode.Binary, w8[1]));
        var w10 = Compress(client, serverW10NoTakeover, text, json);
        yield return Seed("deflate-server-w10-no-takeover-client-role-bytewise", ReceiverOptions.Encode(client, serverW10NoTakeover, destinationIndex: 2), Bytewise,
            Compressed(client, Opcode.Text, w10[0]), Compressed(client, Opcode.Text, w10[1]));
        var w9 = Compress(server, clientW9, text)[0];
        int half = w9.Length / 2;
        yield return Seed("deflate-w9-fragmented-ping-between-direct", ReceiverOptions.Encode(server, clientW9, direct: true, destinationIndex: 7), Ragged,
            Frame(true, false, Opcode.Text, w9.AsSpan(0, half), rsv1: true), Frame(true, true, Opcode.Ping, "mid"u8),
            Frame(true, true, Opcode.Continuation, w9.AsSpan(half)));
        var both = Compress(client, bothW8NoTakeover, json, text);
        yield return Seed("deflate-both-w8-no-takeover-plain-between", ReceiverOptions.Encode(client, bothW8NoTakeover, fastPath: true), Once,
            Compressed(client, Opcode.Text, both[0]), Frame(false, true, Opcode.Text, hello), Compressed(client, Opcode.Text, both[1]));
        yield return Seed("deflate-empty-message-then-close", ReceiverOptions.Encode(server, takeover), Once,
            Compressed(server, Opcode.Binary, []), Frame(true, true, Opcode.Close, ClosePayload.Format(4000, "done")));
        yield return Seed("deflate-limit-125-inflates-past-1009", ReceiverOptions.Encode(server, takeover, limitIndex: 4), Once,
            Compressed(server, Opcode.Text, Compress(server, takeover, text)[0]));
        var bytes = Compress(server, clientW9, CompressionSeeds.Texts[3])[0];
        yield return Seed("deflate-limit-lowered-mid-message", ReceiverOptions.Encode(server, clientW9, destinationIndex: 8, loweredIndex: 4, lowerAt: 3), Ragged,
            Compressed(server, Opcode.Binary, bytes));
        yield return Seed("deflate-error-invalid-data-1007", ReceiverOptions.Encode(server, takeover), Once, Compressed(server, Opcode.Text, [0xFF, 0xFF, 0xFF]));
        yield return Seed("deflate-error-rsv1-on-continuation-1002", ReceiverOptions.Encode(server, takeover), Once,
            Frame(true, false, Opcode.Text, hello), Frame(true, true, Opcode.Continuation, hello, rsv1: true));
    }

    // What the peer of `receiver` sends, compressed with its deflater for these parameters (one per
    // session, so with context takeover later messages refer back to earlier ones).
    internal static byte[][] Compress(Role receiver, PerMessageDeflateParameters parameters, params byte[][] messages)
    {
        var sender = receiver == Role.Server ? Role.Client : Role.Server;
        using var deflater = new MessageDeflater(parameters.WriteWindowBits(sender), parameters.WriteContextTakeover(sender), preferZlib: false);
        return [.. messages.Select(m =>
        {
            var buffer = new byte[MessageDeflater.GetMaxCompressedLength(m.Length)];
            return buffer[..deflater.Compress(m, buffer)];
        })];
    }

    // A whole compressed message in one frame, masked when the receiver is the server.
    internal static byte[] Compressed(Role receiver, Opcode opcode, byte[] payload) => Frame(receiver == Role.Server, true, opcode, payload, rsv1: true);

    private static byte[] Bytes(int n) => [.. Enumerable.Range(0, n).Select(i => (byte)(i * 13 + 5))];

    private static FuzzSeed Seed(string name, byte[] options, byte[] schedule, params byte[][] frames)
        => new(name, [.. options, .. schedule, .. frames.SelectMany(f => f)]);
}
