using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using static WebSocketKit.Fuzz.Targets.FrameSeeds;
using static WebSocketKit.Fuzz.Targets.ReceiverSeeds;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the conn-deflate target: compressed sessions for both roles under several agreed
/// parameters (windows 8-15, with and without context takeover on each side), with echoes, pings
/// between fragments, plain messages between compressed ones, tiny reads, and the ways a compressed
/// stream breaks (bad data, RSV1 on a continuation, a limit the inflated size passes). The peer's
/// messages are compressed by our managed deflater (<c>preferZlib: false</c>), so the bytes are the
/// same on every machine (the receiver target's helpers).
/// </summary>
internal static class ConnDeflateSeeds
{
    public static IEnumerable<FuzzSeed> All()
    {
        const Role server = Role.Server, client = Role.Client;
        var hello = "Hello"u8.ToArray();
        var text = CompressionSeeds.Texts[1];
        var json = CompressionSeeds.Texts[2];
        var more = CompressionSeeds.Texts[3];

        var takeover = new PerMessageDeflateParameters(false, false, 15, 15);
        var clientW8NoTakeover = new PerMessageDeflateParameters(false, true, 15, 8);
        var serverW8NoTakeover = new PerMessageDeflateParameters(true, false, 8, 15);
        var serverW10NoTakeover = new PerMessageDeflateParameters(true, false, 10, 15);
        var clientW9 = new PerMessageDeflateParameters(false, false, 15, 9);
        var bothW8NoTakeover = new PerMessageDeflateParameters(true, true, 8, 8);
        var w12W11 = new PerMessageDeflateParameters(false, true, 12, 11);

        var twice = Compress(server, takeover, text, text);
        yield return Seed("server-takeover-two-texts-echoed", ConnDeflateOptions.Encode(server, takeover, echo: true), Ragged,
            Compressed(server, Opcode.Text, twice[0]), Compressed(server, Opcode.Text, twice[1]), Frame(true, true, Opcode.Close, ClosePayload.Format(1000, "bye")));
        var twiceClient = Compress(client, takeover, json, json);
        yield return Seed("client-takeover-two-texts-echoed-streamed-7", ConnDeflateOptions.Encode(client, takeover, echo: true, chunkIndex: 2, streamedEcho: true), Once,
            Compressed(client, Opcode.Text, twiceClient[0]), Compressed(client, Opcode.Text, twiceClient[1]));
        var w8 = Compress(server, clientW8NoTakeover, json, json);
        yield return Seed("server-client-w8-no-takeover-echo-w15", ConnDeflateOptions.Encode(server, clientW8NoTakeover, echo: true, level: 1), Once,
            Compressed(server, Opcode.Text, w8[0]), Compressed(server, Opcode.Binary, w8[1]));
        var sw8 = Compress(client, serverW8NoTakeover, text, more);
        yield return Seed("client-server-w8-no-takeover-buffer-writer", ConnDeflateOptions.Encode(client, serverW8NoTakeover, ConnReadMode.BufferWriter, echo: true), Ragged,
            Compressed(client, Opcode.Text, sw8[0]), Compressed(client, Opcode.Binary, sw8[1]));
        var w10 = Compress(client, serverW10NoTakeover, text, json);
        yield return Seed("client-server-w10-bytewise-small-buffer", ConnDeflateOptions.Encode(client, serverW10NoTakeover, bufferIndex: 1), Bytewise,
            Compressed(client, Opcode.Text, w10[0]), Compressed(client, Opcode.Text, w10[1]));
        var w9 = Compress(server, clientW9, text)[0];
        int half = w9.Length / 2;
        yield return Seed("server-w9-fragmented-ping-between-streamed-1", ConnDeflateOptions.Encode(server, clientW9, ConnReadMode.Streamed, echo: true, chunkIndex: 1), Ragged,
            Frame(true, false, Opcode.Text, w9.AsSpan(0, half), rsv1: true), Frame(true, true, Opcode.Ping, "mid"u8),
            Frame(true, true, Opcode.Continuation, w9.AsSpan(half)));
        var both = Compress(client, bothW8NoTakeover, json, text);
        yield return Seed("client-both-w8-no-takeover-plain-between-threshold-16", ConnDeflateOptions.Encode(client, bothW8NoTakeover, echo: true, thresholdIndex: 2), Once,
            Compressed(client, Opcode.Text, both[0]), Frame(false, true, Opcode.Text, hello), Compressed(client, Opcode.Text, both[1]));
        var odd = Compress(server, w12W11, more, text);
        yield return Seed("server-w12-w11-threshold-200-level-0", ConnDeflateOptions.Encode(server, w12W11, echo: true, thresholdIndex: 3, level: 0), Ragged,
            Compressed(server, Opcode.Binary, odd[0]), Frame(true, true, Opcode.Binary, hello), Compressed(server, Opcode.Text, odd[1]));
        yield return Seed("server-empty-compressed-then-close", ConnDeflateOptions.Encode(server, takeover, echo: true), Once,
            Compressed(server, Opcode.Binary, Compress(server, takeover, Array.Empty<byte>())[0]), Frame(true, true, Opcode.Close, ClosePayload.Format(4000, "done")));
        yield return Seed("server-limit-125-inflates-past-1009", ConnDeflateOptions.Encode(server, takeover, limitIndex: 1), Once,
            Compressed(server, Opcode.Text, Compress(server, takeover, text)[0]));
        yield return Seed("client-limit-1000-streamed-1009", ConnDeflateOptions.Encode(client, clientW9, ConnReadMode.Streamed, limitIndex: 2, chunkIndex: 3), Ragged,
            Compressed(client, Opcode.Binary, Compress(client, clientW9, more, more)[0]));
        yield return Seed("server-end-of-stream-mid-compressed", ConnDeflateOptions.Encode(server, takeover), Once,
            Compressed(server, Opcode.Text, Compress(server, takeover, text)[0])[..12]);
        yield return Seed("server-error-invalid-data-1007", ConnDeflateOptions.Encode(server, takeover), Once, Compressed(server, Opcode.Text, [0xFF, 0xFF, 0xFF]));
        yield return Seed("client-error-invalid-utf8-after-inflate-1007", ConnDeflateOptions.Encode(client, takeover), Once,
            Compressed(client, Opcode.Text, Compress(client, takeover, [0x61, 0xC3, 0x28])[0]));
        yield return Seed("server-error-rsv1-on-continuation-1002", ConnDeflateOptions.Encode(server, takeover), Once,
            Frame(true, false, Opcode.Text, hello), Frame(true, true, Opcode.Continuation, hello, rsv1: true));
        yield return Seed("client-error-rsv1-on-ping-1002", ConnDeflateOptions.Encode(client, takeover), Once,
            Frame(false, true, Opcode.Ping, hello, rsv1: true));
    }

    private static FuzzSeed Seed(string name, byte[] options, byte[] schedule, params byte[][] frames)
        => new(name, [.. options, .. schedule, .. frames.SelectMany(f => f)]);
}
