using System.Buffers.Binary;

namespace WebSocketKit.Protocol;

/// <summary>Writes frame headers (RFC 6455 section 5.2) using the shortest length form.</summary>
public static class FrameEncoder
{
    /// <summary>
    /// Writes the header of a frame into <paramref name="destination"/> (at least
    /// <see cref="FrameHeader.SizeFor"/> bytes) and returns its size. <paramref name="rsv1"/> marks
    /// the first frame of a compressed message (RFC 7692). When <paramref name="masked"/> is set the
    /// key is written too; the caller masks the payload with <see cref="Masking.Apply(Span{byte}, uint, int)"/>.
    /// </summary>
    public static int WriteHeader(Span<byte> destination, bool fin, Opcode opcode, long payloadLength,
        bool masked = false, uint maskKey = 0, bool rsv1 = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        if (Opcodes.IsControl(opcode) && (payloadLength > FrameHeader.MaxControlPayload || !fin))
            throw new ArgumentException("Control frames carry at most 125 bytes and cannot be fragmented (RFC 6455 section 5.5).", nameof(opcode));
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (byte)opcode);
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        int n;
        if (payloadLength <= 125)
        {
            destination[1] = (byte)(maskBit | (byte)payloadLength);
            n = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            n = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            n = 10;
        }
        if (masked)
        {
            Masking.WriteKey(destination[n..], maskKey);
            n += 4;
        }
        return n;
    }

    /// <summary>Writes <paramref name="header"/>; see the overload with separate fields.</summary>
    public static int WriteHeader(Span<byte> destination, in FrameHeader header)
    {
        int n = WriteHeader(destination, header.Fin, header.Opcode, header.PayloadLength, header.Masked, header.MaskKey, header.Rsv1);
        if (header.Rsv2) destination[0] |= 0x20;
        if (header.Rsv3) destination[0] |= 0x10;
        return n;
    }

    /// <summary>
    /// Writes a whole frame (header then payload, masked when a key is given) and returns its size.
    /// </summary>
    public static int WriteFrame(Span<byte> destination, bool fin, Opcode opcode, ReadOnlySpan<byte> payload,
        bool masked = false, uint maskKey = 0, bool rsv1 = false)
    {
        int n = WriteHeader(destination, fin, opcode, payload.Length, masked, maskKey, rsv1);
        var body = destination.Slice(n, payload.Length);
        if (masked) Masking.Apply(payload, body, maskKey, 0);
        else payload.CopyTo(body);
        return n + payload.Length;
    }
}
