using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Autobahn.Engine.Wire;

/// <summary>What one outgoing frame looks like; any field may be deliberately wrong (that is the point of a fuzzer).</summary>
public sealed record FrameSpec(int Opcode, byte[] Payload, bool Fin = true, int Rsv = 0)
{
    /// <summary>Send the payload repeated until it is this long (a big frame described by a short pattern).</summary>
    public int? RepeatLength { get; init; }

    /// <summary>The octets actually sent as payload (the pattern repeated when <see cref="RepeatLength"/> is set).</summary>
    public byte[] WirePayload()
    {
        if (RepeatLength is not int n || Payload.Length == 0) return Payload;
        var all = new byte[n];
        for (int at = 0; at < n; at += Payload.Length) Payload.AsSpan(0, Math.Min(Payload.Length, n - at)).CopyTo(all.AsSpan(at));
        return all;
    }
    /// <summary>Send in TCP writes of this many octets each.</summary>
    public int? ChopSize { get; init; }
    /// <summary>Flush each write on its own so the peer sees it as a separate segment.</summary>
    public bool Sync { get; init; }
}

/// <summary>Serialises frames as a client would (always masked) or as a server would (never masked).</summary>
public static class FrameWriter
{
    public static byte[] NewMask() => RandomNumberGenerator.GetBytes(4);

    /// <summary>The complete frame octets: header, then the payload masked with <paramref name="mask"/> when given.</summary>
    public static byte[] Encode(int opcode, ReadOnlySpan<byte> payload, bool fin, int rsv, byte[]? mask, long? lengthOverride = null)
    {
        long len = lengthOverride ?? payload.Length;
        int extra = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
        int headerLen = 2 + extra + (mask is null ? 0 : 4);
        var frame = new byte[headerLen + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F));
        byte maskBit = (byte)(mask is null ? 0 : 0x80);
        switch (extra)
        {
            case 0: frame[1] = (byte)(maskBit | (int)len); break;
            case 2: frame[1] = (byte)(maskBit | 126); BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)len); break;
            default: frame[1] = (byte)(maskBit | 127); BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)len); break;
        }
        var body = frame.AsSpan(headerLen);
        payload.CopyTo(body);
        if (mask is not null)
        {
            mask.CopyTo(frame, 2 + extra);
            ApplyMask(body, mask, 0);
        }
        return frame;
    }

    /// <summary>XORs <paramref name="data"/> with the 4-octet key, starting at key position <paramref name="offset"/>.</summary>
    public static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> mask, long offset)
    {
        for (int i = 0; i < data.Length; i++) data[i] ^= mask[(int)((offset + i) & 3)];
    }
}
