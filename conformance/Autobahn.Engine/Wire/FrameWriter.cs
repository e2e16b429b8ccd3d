using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

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
    public static byte[] NewMask()
    {
        var mask = new byte[4];
        FillMask(mask);
        return mask;
    }

    /// <summary>A fresh random key. Not from the cryptographic generator: a test peer on the loopback gains nothing from that,
    /// and a call into it per 256-octet frame cost more than the frame.</summary>
    public static void FillMask(Span<byte> mask) => Random.Shared.NextBytes(mask);

    /// <summary>Octets of a frame header for a payload of <paramref name="payloadLength"/>, with or without a mask key.</summary>
    public static int HeaderLength(long payloadLength, bool masked) =>
        2 + (payloadLength <= 125 ? 0 : payloadLength <= 0xFFFF ? 2 : 8) + (masked ? 4 : 0);

    /// <summary>The complete frame octets: header, then the payload masked with <paramref name="mask"/> when given.</summary>
    public static byte[] Encode(int opcode, ReadOnlySpan<byte> payload, bool fin, int rsv, byte[]? mask, long? lengthOverride = null)
    {
        var frame = new byte[HeaderLength(lengthOverride ?? payload.Length, mask is not null) + payload.Length];
        EncodeInto(frame, opcode, payload, fin, rsv, mask, lengthOverride);
        return frame;
    }

    /// <summary>Writes the frame into <paramref name="destination"/> (an empty <paramref name="mask"/> means unmasked); returns the octets written.</summary>
    public static int EncodeInto(Span<byte> destination, int opcode, ReadOnlySpan<byte> payload, bool fin, int rsv, ReadOnlySpan<byte> mask, long? lengthOverride = null)
    {
        long len = lengthOverride ?? payload.Length;
        bool masked = !mask.IsEmpty;
        int extra = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
        int headerLen = HeaderLength(len, masked);
        destination[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F));
        byte maskBit = (byte)(masked ? 0x80 : 0);
        switch (extra)
        {
            case 0: destination[1] = (byte)(maskBit | (int)len); break;
            case 2: destination[1] = (byte)(maskBit | 126); BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)len); break;
            default: destination[1] = (byte)(maskBit | 127); BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)len); break;
        }
        var body = destination.Slice(headerLen, payload.Length);
        payload.CopyTo(body);
        if (masked)
        {
            mask.CopyTo(destination[(2 + extra)..]);
            ApplyMask(body, mask, 0);
        }
        return headerLen + payload.Length;
    }

    /// <summary>XORs <paramref name="data"/> with the 4-octet key, starting at key position <paramref name="offset"/>.</summary>
    public static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> mask, long offset)
    {
        int i = 0;
        // Whole vectors at a time: the key repeats every 4 octets, so one vector of it (rotated to the offset) fits every vector-sized step.
        int width = Vector<byte>.Count;
        if (data.Length >= width)
        {
            Span<byte> key = stackalloc byte[width];
            for (int k = 0; k < width; k++) key[k] = mask[(int)((offset + k) & 3)];
            var keyVector = new Vector<byte>(key);
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (int v = 0; v < vectors.Length; v++) vectors[v] ^= keyVector;
            i = vectors.Length * width;
        }
        for (; i < data.Length; i++) data[i] ^= mask[(int)((offset + i) & 3)];
    }
}
