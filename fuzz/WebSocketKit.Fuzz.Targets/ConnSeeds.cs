using WebSocketKit.Protocol;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the conn target: masked client conversations (messages, fragments with control frames
/// between them, pings, closes) and one of each way a client can break the protocol.
/// </summary>
internal static class ConnSeeds
{
    private const uint Key = 0x3D21FA37; // the RFC 6455 section 5.7 example key, 37 FA 21 3D on the wire

    public static IEnumerable<FuzzSeed> All()
    {
        byte[] once = ChunkSchedule.Encode(), bytewise = ChunkSchedule.Encode(1), ragged = ChunkSchedule.Encode(3, 0, 9, 0x81, 2);
        var hello = "Hello"u8.ToArray();

        yield return Seed("rfc6455-masked-hello", 0, once, Frame(true, Opcode.Text, hello));
        yield return Seed("fragmented-text-ping-between-then-close", 0, ragged,
            Frame(false, Opcode.Text, "Hel"u8), Frame(true, Opcode.Ping, "are you there"u8), Frame(true, Opcode.Continuation, "lo κόσμε"u8),
            Frame(true, Opcode.Close, ClosePayload.Format(1000, "bye")));
        yield return Seed("binary-300-small-buffer-bytewise", 0x04, bytewise, Frame(true, Opcode.Binary, Bytes(300)));
        yield return Seed("binary-3000-streamed-1500", 0x10 | 0x60, ChunkSchedule.Encode(0x90), Frame(true, Opcode.Binary, Bytes(3000)));
        yield return Seed("streamed-1-byte-reads", 0x10 | 0x20, ragged, Frame(false, Opcode.Binary, Bytes(10)), Frame(true, Opcode.Continuation, Bytes(20)),
            Frame(true, Opcode.Text, "ok"u8));
        yield return Seed("pong-and-empty-close", 0, once, Frame(true, Opcode.Pong, "x"u8), Frame(true, Opcode.Text, []), Frame(true, Opcode.Close, []));
        yield return Seed("close-4000-private", 0, once, Frame(true, Opcode.Close, ClosePayload.Format(4000, "done")));
        yield return Seed("end-of-stream-mid-frame", 0, once, Frame(true, Opcode.Text, hello)[..7]);
        yield return Seed("error-invalid-utf8-1007", 0, once, Frame(true, Opcode.Text, [0x61, 0xC3, 0x28]));
        yield return Seed("error-utf8-split-surrogate-1007", 0, bytewise, Frame(false, Opcode.Text, [0xED]), Frame(true, Opcode.Continuation, [0xA0, 0x80]));
        yield return Seed("error-close-1005-on-wire-1002", 0, once, Frame(true, Opcode.Close, [0x03, 0xED]));
        yield return Seed("error-close-reason-not-utf8-1007", 0, once, Frame(true, Opcode.Close, [0x03, 0xE8, 0xFF]));
        yield return Seed("error-too-big-limit-125-1009", 0x02, once, Frame(true, Opcode.Binary, Bytes(126)));
        yield return Seed("error-fragments-over-limit-1009", 0x02, once, Frame(false, Opcode.Text, Bytes(100, 'a')), Frame(true, Opcode.Continuation, Bytes(30, 'b')));
        yield return Seed("error-unmasked-1002", 0, once, Unmasked(Opcode.Text, hello));
        yield return Seed("error-reserved-opcode-1002", 0, once, Frame(true, (Opcode)3, hello));
        yield return Seed("error-rsv1-not-negotiated-1002", 0, once, Flip(Frame(true, Opcode.Text, hello), 0x40));
        yield return Seed("error-continuation-first-1002", 0, once, Frame(true, Opcode.Continuation, hello));
        yield return Seed("error-fragmented-ping-1002", 0, once, Flip(Frame(true, Opcode.Ping, hello), 0x80));
        yield return Seed("error-new-message-inside-message-1002", 0, once, Frame(false, Opcode.Text, hello), Frame(true, Opcode.Binary, hello));
    }

    private static byte[] Frame(bool fin, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[FrameHeader.MaxSize + payload.Length];
        return buffer[..FrameEncoder.WriteFrame(buffer, fin, opcode, payload, masked: true, Key)];
    }

    private static byte[] Unmasked(Opcode opcode, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[FrameHeader.MaxSize + payload.Length];
        return buffer[..FrameEncoder.WriteFrame(buffer, true, opcode, payload)];
    }

    // Flips bits of the first header byte, for frames the encoder rightly refuses to write (RSV1, FIN).
    private static byte[] Flip(byte[] frame, byte bits)
    {
        frame[0] ^= bits;
        return frame;
    }

    private static byte[] Bytes(int n, char? c = null) => [.. Enumerable.Range(0, n).Select(i => c is { } ch ? (byte)ch : (byte)(i * 31))];

    private static FuzzSeed Seed(string name, byte options, byte[] schedule, params byte[][] frames)
        => new(name, [options, .. schedule, .. frames.SelectMany(f => f)]);
}
