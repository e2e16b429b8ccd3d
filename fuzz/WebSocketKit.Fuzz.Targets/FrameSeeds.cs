using WebSocketKit.Protocol;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the frame target: valid frames of every kind (text, binary, empty, fragmented with a
/// control frame between the fragments, close, ping, pong, 7/16/64-bit lengths, compressed) for
/// both roles, under several splits and destination sizes.
/// </summary>
internal static class FrameSeeds
{
    // The mask key of the RFC 6455 section 5.7 examples (wire bytes 37 fa 21 3d).
    private const uint Key = 0x3d21fa37;

    public static IEnumerable<FuzzSeed> All()
    {
        foreach (var role in new[] { Role.Server, Role.Client })
        {
            string r = role == Role.Server ? "server" : "client";
            bool masked = role == Role.Server;
            byte plain = FrameTargetOptions.ToByte(role);
            byte[] whole = ChunkSchedule.Encode();
            byte[] byteByByte = ChunkSchedule.Encode(1);
            byte[] ragged = ChunkSchedule.Encode(3, 0, 7, 0x81);

            yield return Seed($"{r}-text-hello", plain, whole, Frame(masked, true, Opcode.Text, "Hello"u8));
            yield return Seed($"{r}-text-hello-bytewise", plain, byteByByte, Frame(masked, true, Opcode.Text, "Hello"u8));
            yield return Seed($"{r}-text-empty", plain, whole, Frame(masked, true, Opcode.Text, []));
            yield return Seed($"{r}-binary-300-len16", plain, ragged, Frame(masked, true, Opcode.Binary, Bytes(300)));
            yield return Seed($"{r}-binary-300-len16-dest5-inplace",
                FrameTargetOptions.ToByte(role, inPlace: true, destinationIndex: 4), ragged, Frame(masked, true, Opcode.Binary, Bytes(300)));
            yield return Seed($"{r}-binary-len64-nonminimal", plain, whole, Len64Frame(masked, 20, 20));
            yield return Seed($"{r}-binary-len64-truncated", plain, ragged, Len64Frame(masked, 70000, 200));
            yield return Seed($"{r}-fragmented-text-ping-between", plain, ragged,
                [.. Frame(masked, false, Opcode.Text, "Hel"u8), .. Frame(masked, true, Opcode.Ping, "ping"u8),
                 .. Frame(masked, false, Opcode.Continuation, "l"u8), .. Frame(masked, true, Opcode.Continuation, "o"u8)]);
            yield return Seed($"{r}-close-1000-reason", plain, whole, Frame(masked, true, Opcode.Close, ClosePayload.Format(CloseStatus.NormalClosure, "bye")));
            yield return Seed($"{r}-close-bodies-short-reserved-badutf8-private", plain, ragged,
                [.. Frame(masked, true, Opcode.Close, [0x03]), .. Frame(masked, true, Opcode.Close, [0x03, 0xed]),
                 .. Frame(masked, true, Opcode.Close, [0x0b, 0xb8, 0xc0, 0xaf]), .. Frame(masked, true, Opcode.Close, ClosePayload.Format(4999, "κόσμε"))]);
            yield return Seed($"{r}-close-empty", plain, byteByByte, Frame(masked, true, Opcode.Close, []));
            yield return Seed($"{r}-ping-pong", plain, whole,
                [.. Frame(masked, true, Opcode.Ping, "are you there"u8), .. Frame(masked, true, Opcode.Pong, Bytes(125))]);
            yield return Seed($"{r}-conversation-dest1", FrameTargetOptions.ToByte(role, destinationIndex: 1), ragged,
                [.. Frame(masked, true, Opcode.Text, "κόσμε"u8), .. Frame(masked, true, Opcode.Binary, Bytes(130)),
                 .. Frame(masked, true, Opcode.Pong, []), .. Frame(masked, true, Opcode.Close, ClosePayload.Format(CloseStatus.GoingAway))]);
            yield return Seed($"{r}-compressed-fragmented", FrameTargetOptions.ToByte(role, rsv1Negotiated: true), ragged,
                [.. Frame(masked, false, Opcode.Text, [0xf2, 0x48, 0xcd], rsv1: true), .. Frame(masked, true, Opcode.Continuation, [0xc9, 0xc9, 0x07, 0x00])]);
            yield return Seed($"{r}-limit125-message-at-limit", FrameTargetOptions.ToByte(role, limitIndex: 2), whole,
                [.. Frame(masked, false, Opcode.Binary, Bytes(100)), .. Frame(masked, true, Opcode.Continuation, Bytes(25))]);
        }
    }

    private static FuzzSeed Seed(string name, byte options, byte[] schedule, byte[] wire) => new(name, [options, .. schedule, .. wire]);

    /// <summary>One whole frame as it goes on the wire, masked with the RFC example key when <paramref name="masked"/>.</summary>
    internal static byte[] Frame(bool masked, bool fin, Opcode opcode, ReadOnlySpan<byte> payload, bool rsv1 = false)
    {
        var buffer = new byte[FrameHeader.MaxSize + payload.Length];
        int n = FrameEncoder.WriteFrame(buffer, fin, opcode, payload, masked, Key, rsv1);
        return buffer[..n];
    }

    // A binary frame whose length is written in the 64-bit form, with only some of its payload.
    private static byte[] Len64Frame(bool masked, long declared, int present)
    {
        var frame = new byte[10 + (masked ? 4 : 0) + present];
        frame[0] = 0x82;
        frame[1] = (byte)((masked ? 0x80 : 0) | 127);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(2), declared);
        if (masked) Masking.WriteKey(frame.AsSpan(10), Key);
        var body = frame.AsSpan(10 + (masked ? 4 : 0));
        Bytes(present).CopyTo(body);
        if (masked) Masking.Apply(body, Key, 0);
        return frame;
    }

    private static byte[] Bytes(int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)(i * 7 + 1);
        return b;
    }
}
